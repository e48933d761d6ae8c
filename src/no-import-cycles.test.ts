import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const SRC = import.meta.dirname

/** Every source file (tests aside) and the files it imports or re-exports, type-only included. */
function importGraph(): Map<string, string[]> {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.ts') && !path.endsWith('.test.ts'))
    .map((path) => join(SRC, path))
  const known = new Set(files)
  const graph = new Map<string, string[]>()
  for (const file of files) {
    // The pre-processor only scans for module names: far faster than a full parse.
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true)
    const targets = importedFiles.flatMap(({ fileName }) => {
      if (!fileName.startsWith('.')) return []
      const target = resolve(dirname(file), fileName.replace(/\.js$/, '.ts'))
      return known.has(target) ? [target] : []
    })
    graph.set(file, targets)
  }
  return graph
}

/** The import cycles: strongly connected groups (Tarjan) of two or more files, or a self-import. */
function cyclesIn(graph: Map<string, string[]>): string[][] {
  const order = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const cycles: string[][] = []
  const visit = (file: string) => {
    order.set(file, order.size)
    low.set(file, order.get(file) ?? 0)
    stack.push(file)
    for (const next of graph.get(file) ?? []) {
      if (!order.has(next)) visit(next)
      if (stack.includes(next)) {
        low.set(file, Math.min(low.get(file) ?? 0, low.get(next) ?? 0))
      }
    }
    if (low.get(file) !== order.get(file)) return
    const group = stack.splice(stack.indexOf(file))
    if (group.length > 1 || graph.get(file)?.includes(file)) cycles.push(group)
  }
  for (const file of graph.keys()) if (!order.has(file)) visit(file)
  return cycles.map((group) => group.sort())
}

describe('imports in src', () => {
  it('form no cycle, type-only imports included', () => {
    const graph = importGraph()
    expect(graph.size).toBeGreaterThan(100)
    const cycles = cyclesIn(graph).map((group) => group.map((file) => relative(SRC, file)))
    expect(cycles).toEqual([])
  })

  it('finds a cycle when there is one', () => {
    const graph = new Map([
      ['/a.ts', ['/b.ts']],
      ['/b.ts', ['/c.ts']],
      ['/c.ts', ['/a.ts']],
      ['/d.ts', ['/a.ts']],
    ])
    expect(cyclesIn(graph)).toEqual([['/a.ts', '/b.ts', '/c.ts']])
  })
})
