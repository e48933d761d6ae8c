// The fault benches of issue 12, one after the other, each at a small size: the STOP race, the
// termination of Parley's database backends, and kill -9 with a restart. Each prints its own
// delays and counts; this prints which passed. See bench/README.md.
//   npx tsx bench/faults.ts [--only stop,backends,kill]
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { PROJECT_ROOT } from '../src/paths.js'

const BENCHES = {
  stop: ['faults-stop.ts', '--rounds', '3', '--seconds', '6'],
  backends: ['faults-backends.ts'],
  kill: ['faults-kill.ts'],
} as const
type BenchName = keyof typeof BENCHES

const { values: args } = parseArgs({
  options: { only: { type: 'string', default: Object.keys(BENCHES).join(',') } },
})

async function runOne(name: BenchName): Promise<number> {
  const [file, ...options] = BENCHES[name]
  console.log(`\n=== ${name}: npx tsx bench/${file} ${options.join(' ')}`)
  const child = spawn('npx', ['tsx', join(PROJECT_ROOT, 'bench', file), ...options], {
    cwd: PROJECT_ROOT,
    stdio: 'inherit',
  })
  const [code] = (await once(child, 'exit')) as [number | null]
  return code ?? 1
}

async function main() {
  const names = args.only.split(',').filter((n): n is BenchName => n in BENCHES)
  const results: string[] = []
  for (const name of names) {
    const started = Date.now()
    const code = await runOne(name)
    const seconds = ((Date.now() - started) / 1000).toFixed(0)
    results.push(`${name} ${code === 0 ? 'PASS' : 'FAIL'} (${seconds} s)`)
  }
  console.log(`\n${results.join('; ')}`)
  process.exit(results.every((r) => r.includes('PASS')) ? 0 : 1)
}

void main()
