import { z } from 'zod'

export const SECONDS_PER_DAY = 86_400
export const DAYS_PER_YEAR = 365
/** Peak traffic as a multiple of the daily average; 3 is the usual interview rule of thumb for a diurnal peak. */
export const DEFAULT_PEAK_FACTOR = 3

/** How a field's text is read: which suffixes it accepts and what they multiply by. */
export type CapacityInputKind = 'count' | 'bytes' | 'factor' | 'days'

const SUFFIXES: Record<CapacityInputKind, { multipliers: Record<string, number>; hint: string }> = {
  count: { multipliers: { '': 1, k: 1e3, m: 1e6, b: 1e9, bn: 1e9, t: 1e12 }, hint: 'K, M, B or T' },
  bytes: {
    multipliers: { '': 1, b: 1, k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, t: 1e12, tb: 1e12, p: 1e15, pb: 1e15 },
    hint: 'B, KB, MB, GB or TB (1 KB = 1,000 bytes)',
  },
  factor: { multipliers: { '': 1, x: 1, '×': 1 }, hint: 'a plain number like 3' },
  days: {
    multipliers: { '': 1, d: 1, day: 1, days: 1, w: 7, week: 7, weeks: 7, y: DAYS_PER_YEAR, yr: DAYS_PER_YEAR, yrs: DAYS_PER_YEAR, year: DAYS_PER_YEAR, years: DAYS_PER_YEAR },
    hint: 'days or years, like 30d or 5y',
  },
}

interface InputSpec {
  label: string
  kind: CapacityInputKind
  min: number
  max: number
  maxText: string
  /** Shown after the label; empty where the label already names the unit. */
  unit: string
  placeholder: string
  defaultValue: string
}

// Insertion order is the order the Scope panel shows the inputs in.
const SPECS = {
  dailyActiveUsers: { label: 'Daily active users', kind: 'count', min: 0, max: 1e11, maxText: '100 B', unit: '', placeholder: '100M', defaultValue: '' },
  readsPerUserPerDay: { label: 'Reads per user per day', kind: 'count', min: 0, max: 1e6, maxText: '1 M', unit: '', placeholder: '10', defaultValue: '' },
  writesPerUserPerDay: { label: 'Writes per user per day', kind: 'count', min: 0, max: 1e6, maxText: '1 M', unit: '', placeholder: '1', defaultValue: '' },
  averageObjectBytes: { label: 'Average object size', kind: 'bytes', min: 0, max: 1e12, maxText: '1 TB', unit: 'bytes, 1 KB = 1,000 B', placeholder: '1 KB', defaultValue: '' },
  peakFactor: { label: 'Peak factor', kind: 'factor', min: 1, max: 100, maxText: '100', unit: '× average', placeholder: '3', defaultValue: String(DEFAULT_PEAK_FACTOR) },
  retentionDays: { label: 'Retention', kind: 'days', min: 0, max: 36_500, maxText: '36,500 days (100 years)', unit: 'days or years', placeholder: '5y', defaultValue: '' },
} satisfies Record<string, InputSpec>

function amount(key: keyof typeof SPECS) {
  const { label, min, max, maxText } = SPECS[key]
  const tooSmall = `${label} must be a number of ${min} or more`
  const tooBig = `${label} must be at most ${maxText}`
  return z
    .number({ error: (issue) => (issue.input === undefined ? `${label} is required` : issue.input === Infinity ? tooBig : tooSmall) })
    .min(min, tooSmall)
    .max(max, tooBig)
}

export const CapacityInputs = z.object({
  dailyActiveUsers: amount('dailyActiveUsers'),
  readsPerUserPerDay: amount('readsPerUserPerDay'),
  writesPerUserPerDay: amount('writesPerUserPerDay'),
  averageObjectBytes: amount('averageObjectBytes'),
  peakFactor: amount('peakFactor').default(DEFAULT_PEAK_FACTOR),
  retentionDays: amount('retentionDays'),
})
export type CapacityInputs = z.infer<typeof CapacityInputs>
export type CapacityInputKey = keyof CapacityInputs

export interface CapacityInputField {
  key: CapacityInputKey
  label: string
  kind: CapacityInputKind
  /** Shown after the label; empty where the label already names the unit. */
  unit: string
  placeholder: string
  /** Initial text of the form field; empty means the candidate must supply it. */
  defaultValue: string
}

export const CAPACITY_INPUTS: readonly CapacityInputField[] = (Object.keys(SPECS) as CapacityInputKey[]).map((key) => {
  const { label, kind, unit, placeholder, defaultValue } = SPECS[key]
  return { key, label, kind, unit, placeholder, defaultValue }
})

export type CapacityErrors = Partial<Record<CapacityInputKey, string>>
export type CapacityParseResult = { ok: true; inputs: CapacityInputs } | { ok: false; errors: CapacityErrors }

// Digits with optional thousand groups (comma, underscore or a space), decimals, an exponent, then a unit.
const AMOUNT = /^([+-]?)(?=\.?\d)((?:\d{1,3}(?:[,_ \u00a0\u202f]\d{3})+|\d*)(?:\.\d+)?(?:e[+-]?\d+)?)\s*([a-z×]*)$/i

type TextResult = { ok: true; value: unknown } | { ok: false; message: string }

function readText(raw: unknown, { label, kind, placeholder }: InputSpec): TextResult {
  if (typeof raw !== 'string') return { ok: true, value: raw ?? undefined }
  const text = raw.trim()
  if (text === '') return { ok: true, value: undefined }
  const match = AMOUNT.exec(text)
  if (!match) return { ok: false, message: `${label} must be a number, like ${placeholder}` }
  const [, sign = '', digits = '', suffix = ''] = match
  const { multipliers, hint } = SUFFIXES[kind]
  const multiplier = multipliers[suffix.toLowerCase()]
  if (multiplier === undefined) return { ok: false, message: `${label} has an unknown unit "${suffix}": use ${hint}` }
  // toPrecision(15) drops float noise such as 1.1 * 1e9 = 1100000000.0000002.
  return { ok: true, value: Number((Number(sign + digits.replace(/[,_ \u00a0\u202f]/g, '')) * multiplier).toPrecision(15)) }
}

/**
 * Reads the Scope form: strings such as "100M", "1,500,000", "1.5B", "2KB", "1 MB", "5y", "3x", or numbers.
 * Every failing field gets one message; nothing reaches the figures as NaN.
 */
export function parseCapacityInputs(raw: Record<string, unknown>): CapacityParseResult {
  const values: Record<string, unknown> = {}
  const errors: CapacityErrors = {}
  for (const { key } of CAPACITY_INPUTS) {
    const read = readText(raw[key], SPECS[key])
    if (read.ok) values[key] = read.value
    else errors[key] = read.message
  }
  const parsed = CapacityInputs.safeParse(values)
  if (parsed.success && Object.keys(errors).length === 0) return { ok: true, inputs: parsed.data }
  for (const issue of parsed.error?.issues ?? []) {
    const key = issue.path[0] as CapacityInputKey
    errors[key] ??= issue.message
  }
  return { ok: false, errors }
}

/** Turns "N actions per user per day at a read:write ratio of R:W" into reads and writes per user per day. */
export function splitByRatio(actionsPerUserPerDay: number, readShare: number, writeShare: number): { readsPerUserPerDay: number; writesPerUserPerDay: number } {
  const parts = [actionsPerUserPerDay, readShare, writeShare]
  if (!parts.every((n) => Number.isFinite(n) && n >= 0)) throw new RangeError('Actions and the read:write ratio must be numbers of 0 or more')
  const shares = readShare + writeShare
  if (shares === 0) {
    if (actionsPerUserPerDay === 0) return { readsPerUserPerDay: 0, writesPerUserPerDay: 0 }
    throw new RangeError('A read:write ratio needs at least one side above 0')
  }
  return { readsPerUserPerDay: (actionsPerUserPerDay * readShare) / shares, writesPerUserPerDay: (actionsPerUserPerDay * writeShare) / shares }
}

export interface CapacityFigures {
  averageReadQps: number
  peakReadQps: number
  averageWriteQps: number
  peakWriteQps: number
  storagePerDayBytes: number
  storageOverRetentionBytes: number
  /** Average write bandwidth. */
  ingressBytesPerSecond: number
  /** Average read bandwidth: every read returns one object. */
  egressBytesPerSecond: number
}

/** Inputs within the schema bounds keep every figure finite (largest is about 4e33 bytes). */
export function deriveCapacity(inputs: CapacityInputs): CapacityFigures {
  const averageReadQps = (inputs.dailyActiveUsers * inputs.readsPerUserPerDay) / SECONDS_PER_DAY
  const averageWriteQps = (inputs.dailyActiveUsers * inputs.writesPerUserPerDay) / SECONDS_PER_DAY
  const storagePerDayBytes = inputs.dailyActiveUsers * inputs.writesPerUserPerDay * inputs.averageObjectBytes
  return {
    averageReadQps,
    peakReadQps: averageReadQps * inputs.peakFactor,
    averageWriteQps,
    peakWriteQps: averageWriteQps * inputs.peakFactor,
    storagePerDayBytes,
    storageOverRetentionBytes: storagePerDayBytes * inputs.retentionDays,
    ingressBytesPerSecond: averageWriteQps * inputs.averageObjectBytes,
    egressBytesPerSecond: averageReadQps * inputs.averageObjectBytes,
  }
}
