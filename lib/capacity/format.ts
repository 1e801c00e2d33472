import type { CapacityFigures } from './capacity'

// Decimal SI throughout (1 KB = 1,000 B), matching how interview estimates are usually done.
const COUNT_UNITS = ['', ' K', ' M', ' B', ' T']
const BYTE_UNITS = [' B', ' KB', ' MB', ' GB', ' TB', ' PB', ' EB']

const round3 = (n: number) => Number(n.toPrecision(3))

/** "3.65e15": toExponential is locale-independent; the ".00" and "+" are noise. */
const scientific = (n: number) => n.toExponential(2).replace(/\.?0+e/, 'e').replace('+', '')

/** Three significant digits in the largest unit that keeps the number under 1,000; e-notation outside the unit range. */
function scale(n: number, units: readonly string[]): string {
  if (!Number.isFinite(n)) return '—'
  if (n < 0) return `-${scale(-n, units)}`
  let step = 0
  while (step < units.length - 1 && round3(n / 1000 ** step) >= 1000) step++
  const mantissa = round3(n / 1000 ** step)
  const tooSmall = mantissa > 0 && mantissa < 0.001
  return `${tooSmall || mantissa >= 1000 ? scientific(n / 1000 ** step) : mantissa}${units[step] ?? ''}`
}

/** 11574 → "11.6 K", 950 → "950", 3e9 → "3 B". */
export const formatCount = (n: number) => scale(n, COUNT_UNITS)

/** 1000 → "1 KB", 1.825e14 → "183 TB". */
export const formatBytes = (n: number) => scale(n, BYTE_UNITS)

export type RateUnit = 'count' | 'bytes'

/** 11574 per second → "11.6 K/s"; 1.2e9 bytes per second → "1.2 GB/s". */
export const formatRate = (n: number, unit: RateUnit) => `${unit === 'bytes' ? formatBytes(n) : formatCount(n)}/s`

export type CapacityFigureKey = keyof CapacityFigures

export interface CapacityFigureField {
  key: CapacityFigureKey
  label: string
  format: (value: number) => string
}

const perSecond = (n: number) => formatRate(n, 'count')
const bytesPerSecond = (n: number) => formatRate(n, 'bytes')

// Insertion order is the order the Scope panel shows the figures in.
const FIGURES: Record<CapacityFigureKey, Omit<CapacityFigureField, 'key'>> = {
  averageReadQps: { label: 'Average read QPS', format: perSecond },
  peakReadQps: { label: 'Peak read QPS', format: perSecond },
  averageWriteQps: { label: 'Average write QPS', format: perSecond },
  peakWriteQps: { label: 'Peak write QPS', format: perSecond },
  storagePerDayBytes: { label: 'Storage per day', format: formatBytes },
  storageOverRetentionBytes: { label: 'Storage over retention', format: formatBytes },
  ingressBytesPerSecond: { label: 'Ingress', format: bytesPerSecond },
  egressBytesPerSecond: { label: 'Egress', format: bytesPerSecond },
}

export const CAPACITY_FIGURES: readonly CapacityFigureField[] = (Object.keys(FIGURES) as CapacityFigureKey[]).map((key) => ({ key, ...FIGURES[key] }))

export function formatFigure(key: CapacityFigureKey, value: number): { label: string; text: string } {
  const { label, format } = FIGURES[key]
  return { label, text: format(value) }
}
