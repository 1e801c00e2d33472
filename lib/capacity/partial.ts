import { CAPACITY_INPUTS, deriveCapacity, parseCapacityInputs, type CapacityErrors, type CapacityFigures, type CapacityInputKey } from './capacity'

/** The inputs each derived figure depends on (peak factor has a default). */
export const FIGURE_NEEDS: Record<keyof CapacityFigures, CapacityInputKey[]> = {
  averageReadQps: ['dailyActiveUsers', 'readsPerUserPerDay'],
  peakReadQps: ['dailyActiveUsers', 'readsPerUserPerDay'],
  averageWriteQps: ['dailyActiveUsers', 'writesPerUserPerDay'],
  peakWriteQps: ['dailyActiveUsers', 'writesPerUserPerDay'],
  storagePerDayBytes: ['dailyActiveUsers', 'writesPerUserPerDay', 'averageObjectBytes'],
  storageOverRetentionBytes: ['dailyActiveUsers', 'writesPerUserPerDay', 'averageObjectBytes', 'retentionDays'],
  ingressBytesPerSecond: ['dailyActiveUsers', 'writesPerUserPerDay', 'averageObjectBytes'],
  egressBytesPerSecond: ['dailyActiveUsers', 'readsPerUserPerDay', 'averageObjectBytes'],
}

export interface PartialEstimate {
  /** Each figure whose inputs are all filled in and valid; the others are absent. */
  figures: Partial<CapacityFigures>
  /** Messages for fields that hold something invalid (empty fields are not errors here). */
  errors: CapacityErrors
}

/**
 * Estimates as they are being typed: figures appear as soon as the inputs they need are
 * there, so a candidate sees read QPS before thinking about storage.
 */
export function estimateFromText(raw: Record<string, string>): PartialEstimate {
  const filled = new Set(CAPACITY_INPUTS.filter(({ key }) => (raw[key] ?? '').trim() !== '').map(({ key }) => key))
  const checked = parseCapacityInputs(raw)
  const errors: CapacityErrors = {}
  if (!checked.ok) for (const [key, message] of Object.entries(checked.errors)) if (filled.has(key as CapacityInputKey)) errors[key as CapacityInputKey] = message
  const usable = (key: CapacityInputKey) => filled.has(key) && !errors[key]
  const withZeros: Record<string, string> = {}
  for (const { key } of CAPACITY_INPUTS) withZeros[key] = usable(key) ? (raw[key] ?? '') : key === 'peakFactor' ? '' : '0'
  const parsed = parseCapacityInputs(withZeros)
  const figures: Partial<CapacityFigures> = {}
  if (parsed.ok) {
    const all = deriveCapacity(parsed.inputs)
    for (const key of Object.keys(FIGURE_NEEDS) as Array<keyof CapacityFigures>) {
      if (FIGURE_NEEDS[key].every(usable)) figures[key] = all[key]
    }
  }
  return { figures, errors }
}
