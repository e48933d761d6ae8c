import net from 'node:net'

// Tests talk only to this machine: local fakes, the test database, the app itself.
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/

type ConnectArgs = Parameters<net.Socket['connect']>
// eslint-disable-next-line @typescript-eslint/unbound-method -- called back with the socket as `this`
const originalConnect = net.Socket.prototype.connect

function targetHost(args: unknown[]): string | undefined {
  const [first, second] = args
  if (typeof first === 'object' && first !== null && !Array.isArray(first)) {
    const options = first as { host?: string; path?: string }
    if (options.path !== undefined) return undefined
    return options.host ?? 'localhost'
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return undefined
  return typeof second === 'string' ? second : 'localhost'
}

net.Socket.prototype.connect = function connect(this: net.Socket, ...args: ConnectArgs) {
  const host = targetHost(Array.isArray(args[0]) ? (args[0] as unknown[]) : args)
  if (host !== undefined && !LOOPBACK.test(host)) {
    throw new Error(`outbound network refused in tests: ${host}`)
  }
  return originalConnect.apply(this, args)
} as typeof net.Socket.prototype.connect
