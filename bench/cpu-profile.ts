/**
 * Reads a V8 .cpuprofile and prints where the time went: self time by function and by file,
 * and time including callees. Profile a benchmark's processes with
 *   BENCH_SERVER_NODE_OPTIONS='--cpu-prof --cpu-prof-dir=/tmp/prof' npm run bench -- --quick --only=drag
 * (BENCH_LOAD_NODE_OPTIONS for the load generator), then
 *   node --import tsx bench/cpu-profile.ts /tmp/prof/<file>.cpuprofile [rows]
 * Each thread writes its own file; the largest is the main thread. Native calls (SQLite,
 * syscalls) count as the self time of the JavaScript function that made them.
 */
import { readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  /** Microseconds before each sample. */
  timeDeltas: number[]
}

const [file, rowsArg] = process.argv.slice(2)
if (!file) throw new Error('usage: bench/cpu-profile.ts <file.cpuprofile> [rows]')
const rows = Number(rowsArg ?? 30)
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile

const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
const parents = new Map<number, number>()
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id)

/** Shortens a script URL to its package or repository path. */
const shortUrl = (url: string): string => url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(server|bench|lib)\//, '$1/')
const functionKey = (node: ProfileNode): string =>
  `${node.callFrame.functionName || '(anonymous)'} ${shortUrl(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`

const sampled = new Map<number, number>()
profile.samples.forEach((id, i) => sampled.set(id, (sampled.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))

const self = new Map<string, number>()
const byFile = new Map<string, number>()
const including = new Map<string, number>()
const add = (totals: Map<string, number>, key: string, micros: number) => totals.set(key, (totals.get(key) ?? 0) + micros)
let total = 0
let idle = 0
for (const [id, micros] of sampled) {
  const node = nodes.get(id)
  if (!node) continue
  total += micros
  if (node.callFrame.functionName === '(idle)') idle += micros
  add(self, functionKey(node), micros)
  if (node.callFrame.functionName !== '(idle)') add(byFile, shortUrl(node.callFrame.url) || node.callFrame.functionName, micros)
  // Recursion counts once per sample.
  const seen = new Set<string>()
  for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
    const ancestor = nodes.get(at)
    if (!ancestor) break
    const key = functionKey(ancestor)
    if (!seen.has(key)) add(including, key, micros)
    seen.add(key)
  }
}

function print(title: string, totals: Map<string, number>): void {
  console.log(`\n${title}`)
  for (const [key, micros] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, rows)) {
    const share = ((micros / (total - idle)) * 100).toFixed(1).padStart(5)
    console.log(`${share}%  ${(micros / 1000).toFixed(0).padStart(7)} ms  ${key}`)
  }
}

console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled, ${((total - idle) / 1e6).toFixed(1)} s busy; shares are of busy time`)
self.delete(functionKey({ id: 0, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } }))
including.delete('(root) :0')
including.delete('(idle) :0')
print('self time by function', self)
print('self time by file', byFile)
print('time including callees', including)
