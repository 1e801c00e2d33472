import { describe, expect, it } from 'vitest'
import { estimateFromText } from './partial'

describe('estimates while typing', () => {
  it('P1: read QPS appears as soon as users and reads are in; storage waits for its inputs', () => {
    const { figures, errors } = estimateFromText({ dailyActiveUsers: '100M', readsPerUserPerDay: '10' })
    expect(errors).toEqual({})
    expect(Math.round(figures.averageReadQps ?? 0)).toBe(11_574)
    expect(Math.round(figures.peakReadQps ?? 0)).toBe(34_722)
    expect(figures.storagePerDayBytes).toBeUndefined()
    expect(figures.averageWriteQps).toBeUndefined()
  })

  it('P2: an invalid field shows its message and hides only the figures that need it', () => {
    const { figures, errors } = estimateFromText({ dailyActiveUsers: '100M', readsPerUserPerDay: 'lots', writesPerUserPerDay: '1' })
    expect(errors.readsPerUserPerDay).toMatch(/must be a number/)
    expect(figures.averageReadQps).toBeUndefined()
    expect(Math.round(figures.averageWriteQps ?? 0)).toBe(1157)
  })

  it('P3: empty inputs are not errors and give no figures', () => {
    expect(estimateFromText({})).toEqual({ figures: {}, errors: {} })
  })
})
