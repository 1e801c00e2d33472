/**
 * Reads a V8 .cpuprofile and prints where the time went: self time by function and by file,
 * and time including callees. Profile a benchmark's processes with
 *   BENCH_SERVER_NODE_OPTIONS='--cpu-prof --cpu-prof-dir=/tmp/prof' npm run bench -- --quick --only=drag
 * (BENCH_LOAD_NODE_OPTIONS for the load generator), then
 *   node --import tsx bench/cpu-profile.ts /tmp/prof/<file>.cpuprofile [rows] [--stalls=<ms>]
 * With --stalls, it also lists each stretch of at least that many milliseconds in which the
 * thread never went idle (what held its event loop), with what ran most in it.
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

const args = process.argv.slice(2)
const stallsArg = args.find((arg) => arg.startsWith('--stalls='))
const [file, rowsArg] = args.filter((arg) => !arg.startsWith('--'))
if (!file) throw new Error('usage: bench/cpu-profile.ts <file.cpuprofile> [rows] [--stalls=<ms>]')
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

/**
 * Stretches of consecutive busy samples lasting at least `minMs`, each with the functions that
 * took most of it (self time) and the outermost of our own frames under which it ran.
 */
function printStalls(minMs: number): void {
  console.log(`\nbusy stretches of ${minMs} ms or more (start s from the first sample, length ms)`)
  let clock = 0
  let stretch: { start: number; micros: number; samples: number[] } | null = null
  const stretches: Array<{ start: number; micros: number; samples: number[] }> = []
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0
    clock += delta
    const busy = nodes.get(id)?.callFrame.functionName !== '(idle)'
    if (busy) {
      stretch ??= { start: clock - delta, micros: 0, samples: [] }
      stretch.micros += delta
      stretch.samples.push(id)
    } else if (stretch) {
      stretches.push(stretch)
      stretch = null
    }
  })
  if (stretch) stretches.push(stretch)
  const long = stretches.filter((s) => s.micros >= minMs * 1000)
  for (const s of long) {
    const selfHere = new Map<string, number>()
    const ours = new Map<string, number>()
    for (const id of s.samples) {
      const node = nodes.get(id)
      if (!node) continue
      add(selfHere, functionKey(node), 1)
      let outermost: string | null = null
      for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
        const ancestor = nodes.get(at)
        if (ancestor && /^(server|bench|lib)\//.test(shortUrl(ancestor.callFrame.url))) outermost = functionKey(ancestor)
      }
      add(ours, outermost ?? '(none of ours)', 1)
    }
    const top = (totals: Map<string, number>) =>
      [...totals].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([key, n]) => `${key} ${((n / s.samples.length) * 100).toFixed(0)}%`).join('; ')
    console.log(`${(s.start / 1e6).toFixed(2).padStart(7)} s  ${(s.micros / 1000).toFixed(1).padStart(6)} ms  ${s.samples.length} samples`)
    console.log(`          self: ${top(selfHere)}`)
    console.log(`          under: ${top(ours)}`)
  }
  console.log(`${long.length} of ${stretches.length} busy stretches`)
}

if (stallsArg) printStalls(Number(stallsArg.slice('--stalls='.length)))
