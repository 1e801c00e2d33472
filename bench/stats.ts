import { PerformanceObserver } from 'node:perf_hooks'
import type { GcPauses } from './messages'

/** The q-quantile (0..1) of ascending values, nearest rank; NaN when there are none. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[rank] ?? NaN
}

export function sortedOf(values: number[]): Float64Array {
  return Float64Array.from(values).sort()
}

export function ms(value: number): string {
  if (!Number.isFinite(value)) return '–'
  return value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0)
}

export function mib(bytes: number): string {
  return Number.isFinite(bytes) ? (bytes / 1024 / 1024).toFixed(1) : '–'
}

/** Decimal megabytes (the unit of the memory floors), to two places. */
export function mb(bytes: number): string {
  return Number.isFinite(bytes) ? (bytes / 1e6).toFixed(2) : '–'
}

export function kib(bytes: number): string {
  return Number.isFinite(bytes) ? (bytes / 1024).toFixed(1) : '–'
}

export function ratio(ours: number, reference: number): string {
  return Number.isFinite(ours) && Number.isFinite(reference) && reference > 0 ? `${(ours / reference).toFixed(2)}x` : '–'
}

/** A GitHub-flavoured markdown table; the runner prints it and writes it to the report. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)))
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

/**
 * Counts this process's garbage-collection pauses from now on; `take()` returns them and starts
 * again. A few long pauses set a latency p99 that a loop-delay p99 (one sample per 5 ms, however
 * long the stall) does not show.
 */
export function watchGcPauses(): { take(): GcPauses } {
  let pauses: GcPauses = { count: 0, totalMs: 0, maxMs: 0 }
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      pauses.count++
      pauses.totalMs += entry.duration
      pauses.maxMs = Math.max(pauses.maxMs, entry.duration)
    }
  }).observe({ entryTypes: ['gc'] })
  return {
    take() {
      const taken = pauses
      pauses = { count: 0, totalMs: 0, maxMs: 0 }
      return taken
    },
  }
}

/** Milliseconds between samples of the event-loop delay monitors (bench/probe.ts, bench/load.ts). */
export const LOOP_DELAY_RESOLUTION_MS = 5

/**
 * How late the loop ran, in ms, from a monitorEventLoopDelay histogram: Node records each
 * interval between its samples whole, so an idle loop reads as the resolution (5.2 ms here).
 */
export function loopLateness(histogram: { percentile(p: number): number; max: number }): { p99: number; max: number } {
  const late = (ns: number) => Math.max(0, ns / 1e6 - LOOP_DELAY_RESOLUTION_MS)
  return { p99: late(histogram.percentile(99)), max: late(histogram.max) }
}
