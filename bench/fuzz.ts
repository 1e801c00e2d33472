/**
 * `npm run bench -- --fuzz[=seeds]`: the convergence-under-chaos test of the tldraw binding
 * (lib/tldraw-binding/chaos.test.ts) with many more seeds than `npm test` runs (500 per mode
 * by default, against 30). A seed that fails is printed; keep it as a named regression test.
 */
import { spawnSync } from 'node:child_process'
import { ROOT } from './processes'

export function runFuzz(arg: string): number {
  const seeds = Number(arg.split('=')[1] ?? 500)
  if (!Number.isInteger(seeds) || seeds < 1) {
    console.error(`--fuzz takes a number of seeds, e.g. --fuzz=2000 (got '${arg}')`)
    return 2
  }
  console.log(`fuzz: ${seeds} seeds per mode of lib/tldraw-binding/chaos.test.ts`)
  const started = Date.now()
  const result = spawnSync('npx', ['vitest', 'run', 'lib/tldraw-binding/chaos.test.ts', '--reporter=dot'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, CHAOS_SEEDS: String(seeds) },
  })
  console.log(`fuzz: ${result.status === 0 ? 'every seed converged' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(0)} s`)
  return result.status ?? 1
}
