import { describe, expect, it } from 'vitest'
import { CAPACITY_FIGURES, CAPACITY_INPUTS, CapacityInputs, deriveCapacity, formatFigure, parseCapacityInputs, splitByRatio, type CapacityFigures } from './index'

const base: CapacityInputs = { dailyActiveUsers: 100e6, readsPerUserPerDay: 10, writesPerUserPerDay: 1, averageObjectBytes: 1_000, peakFactor: 1, retentionDays: 5 * 365 }

const shown = (figures: CapacityFigures) => Object.fromEntries(CAPACITY_FIGURES.map(({ key, label, format }) => [label, format(figures[key])]))

function parsed(raw: Record<string, unknown>): CapacityInputs {
  const result = parseCapacityInputs(raw)
  if (!result.ok) throw new Error(JSON.stringify(result.errors))
  return result.inputs
}

function errorsOf(raw: Record<string, unknown>) {
  const result = parseCapacityInputs(raw)
  return result.ok ? {} : result.errors
}

describe('deriveCapacity worked examples', () => {
  it('100 M DAU x 10 reads/day is about 11.6 K average read QPS', () => {
    const figures = deriveCapacity(base)
    expect(figures.averageReadQps).toBeCloseTo(11_574.07, 2)
    expect(formatFigure('averageReadQps', figures.averageReadQps)).toEqual({ label: 'Average read QPS', text: '11.6 K/s' })
  })

  it('a peak factor of 3 gives about 34.7 K peak read QPS', () => {
    const figures = deriveCapacity({ ...base, peakFactor: 3 })
    expect(figures.peakReadQps).toBeCloseTo(34_722.22, 2)
    expect(formatFigure('peakReadQps', figures.peakReadQps).text).toBe('34.7 K/s')
  })

  it('100 M DAU x 1 write/day x 1 KB is 100 GB/day and 182.5 TB over 5 years', () => {
    const figures = deriveCapacity(base)
    expect(figures.storagePerDayBytes).toBe(100e9)
    expect(figures.storageOverRetentionBytes).toBe(182.5e12)
    expect(formatFigure('storagePerDayBytes', figures.storagePerDayBytes).text).toBe('100 GB')
    // Three significant digits: 182.5 TB shows as 183 TB.
    expect(formatFigure('storageOverRetentionBytes', figures.storageOverRetentionBytes).text).toBe('183 TB')
  })

  it('shows every figure of the worked example, in panel order', () => {
    expect(shown(deriveCapacity({ ...base, peakFactor: 3 }))).toEqual({
      'Average read QPS': '11.6 K/s',
      'Peak read QPS': '34.7 K/s',
      'Average write QPS': '1.16 K/s',
      'Peak write QPS': '3.47 K/s',
      'Storage per day': '100 GB',
      'Storage over retention': '183 TB',
      Ingress: '1.16 MB/s',
      Egress: '11.6 MB/s',
    })
    expect(Object.keys(shown(deriveCapacity(base)))).toEqual(['Average read QPS', 'Peak read QPS', 'Average write QPS', 'Peak write QPS', 'Storage per day', 'Storage over retention', 'Ingress', 'Egress'])
  })

  it('a photo service: 500 M DAU, 100:1 reads over 101 actions, 2 MB photos, 10 years', () => {
    const figures = deriveCapacity(parsed({ dailyActiveUsers: '500M', ...splitByRatio(101, 100, 1), averageObjectBytes: '2 MB', retentionDays: '10 years' }))
    expect(shown(figures)).toMatchObject({
      'Average read QPS': '579 K/s',
      'Peak read QPS': '1.74 M/s',
      'Average write QPS': '5.79 K/s',
      'Storage per day': '1 PB',
      'Storage over retention': '3.65 EB',
      Ingress: '11.6 GB/s',
      Egress: '1.16 TB/s',
    })
  })
})

describe('deriveCapacity edges', () => {
  it('gives zeros, not NaN, when nothing is used', () => {
    const zeros = deriveCapacity({ dailyActiveUsers: 0, readsPerUserPerDay: 0, writesPerUserPerDay: 0, averageObjectBytes: 0, peakFactor: 1, retentionDays: 0 })
    expect(Object.values(zeros)).toEqual(Array(8).fill(0))
    expect(Object.values(shown(zeros))).toEqual(['0/s', '0/s', '0/s', '0/s', '0 B', '0 B', '0 B/s', '0 B/s'])
  })

  it('gives zero traffic for zero users whatever the other inputs', () => {
    expect(Object.values(deriveCapacity({ ...base, dailyActiveUsers: 0 }))).toEqual(Array(8).fill(0))
  })

  it('10^11 DAU x 10^4 reads/day is about 11.6 B read QPS', () => {
    const figures = deriveCapacity({ ...base, dailyActiveUsers: 1e11, readsPerUserPerDay: 1e4 })
    expect(figures.averageReadQps).toBeCloseTo(1e15 / 86_400, 0)
    expect(formatFigure('averageReadQps', figures.averageReadQps).text).toBe('11.6 B/s')
  })

  it('stays finite and readable with every input at its upper bound', () => {
    const max = parsed({ dailyActiveUsers: '100B', readsPerUserPerDay: '1M', writesPerUserPerDay: '1M', averageObjectBytes: '1 TB', peakFactor: '100', retentionDays: '100y' })
    const figures = deriveCapacity(max)
    expect(Object.values(figures).every(Number.isFinite)).toBe(true)
    for (const text of Object.values(shown(figures))) expect(text).toMatch(/^\d+(\.\d+)?(e\d+)? ?[KMBTGPE]?B?\/?s?$/)
    expect(shown(figures)).toMatchObject({ 'Average read QPS': '1.16 T/s', 'Peak read QPS': '116 T/s', 'Storage over retention': '3.65e15 EB' })
  })
})

describe('parseCapacityInputs reads form text', () => {
  const complete = { dailyActiveUsers: '100M', readsPerUserPerDay: '10', writesPerUserPerDay: '1', averageObjectBytes: '1KB', retentionDays: '5y' }

  it('accepts the worked example as typed and fills in the default peak factor', () => {
    expect(parsed(complete)).toEqual({ ...base, peakFactor: 3 })
    expect(parsed({ ...complete, peakFactor: '' }).peakFactor).toBe(3)
    expect(CAPACITY_INPUTS.find((field) => field.key === 'peakFactor')?.defaultValue).toBe('3')
  })

  it.each([
    ['dailyActiveUsers', '100M', 100e6],
    ['dailyActiveUsers', '1.5B', 1.5e9],
    ['dailyActiveUsers', '1.1b', 1.1e9],
    ['dailyActiveUsers', '2.3 bn', 2.3e9],
    ['dailyActiveUsers', '10K', 10e3],
    ['dailyActiveUsers', '10k', 10e3],
    ['dailyActiveUsers', '100,000,000', 100e6],
    ['dailyActiveUsers', '100 000 000', 100e6],
    ['dailyActiveUsers', '100\u202f000', 100e3],
    ['dailyActiveUsers', '1_000_000', 1e6],
    ['dailyActiveUsers', '1,234.5', 1234.5],
    ['dailyActiveUsers', '1e8', 1e8],
    ['dailyActiveUsers', '  42  ', 42],
    ['dailyActiveUsers', 7e6, 7e6],
    ['readsPerUserPerDay', '0.5', 0.5],
    ['readsPerUserPerDay', '.25', 0.25],
    ['averageObjectBytes', '2KB', 2e3],
    ['averageObjectBytes', '1 MB', 1e6],
    ['averageObjectBytes', '1.5 gb', 1.5e9],
    ['averageObjectBytes', '500', 500],
    ['averageObjectBytes', '500 B', 500],
    ['averageObjectBytes', '4K', 4e3],
    ['peakFactor', '2.5', 2.5],
    ['peakFactor', '3x', 3],
    ['retentionDays', '30', 30],
    ['retentionDays', '30 days', 30],
    ['retentionDays', '2 weeks', 14],
    ['retentionDays', '5y', 1825],
    ['retentionDays', '1 year', 365],
    ['retentionDays', '0.5 years', 182.5],
  ] as const)('%s: %j is %d', (key, text, value) => {
    expect(parsed({ ...complete, [key]: text })[key]).toBe(value)
  })
})

describe('parseCapacityInputs explains bad input', () => {
  const complete = { dailyActiveUsers: '100M', readsPerUserPerDay: '10', writesPerUserPerDay: '1', averageObjectBytes: '1KB', retentionDays: '5y' }

  it.each([
    ['dailyActiveUsers', '-5', 'Daily active users must be a number of 0 or more'],
    ['dailyActiveUsers', -5, 'Daily active users must be a number of 0 or more'],
    ['dailyActiveUsers', 'lots', 'Daily active users must be a number, like 100M'],
    ['dailyActiveUsers', 'NaN', 'Daily active users must be a number, like 100M'],
    ['dailyActiveUsers', 'Infinity', 'Daily active users must be a number, like 100M'],
    ['dailyActiveUsers', NaN, 'Daily active users must be a number of 0 or more'],
    ['dailyActiveUsers', Infinity, 'Daily active users must be at most 100 B'],
    ['dailyActiveUsers', -Infinity, 'Daily active users must be a number of 0 or more'],
    ['dailyActiveUsers', '1e400', 'Daily active users must be at most 100 B'],
    ['dailyActiveUsers', '', 'Daily active users is required'],
    ['dailyActiveUsers', '   ', 'Daily active users is required'],
    ['dailyActiveUsers', null, 'Daily active users is required'],
    ['dailyActiveUsers', undefined, 'Daily active users is required'],
    ['dailyActiveUsers', true, 'Daily active users must be a number of 0 or more'],
    ['dailyActiveUsers', '1,5', 'Daily active users must be a number, like 100M'],
    ['dailyActiveUsers', '1.000.000', 'Daily active users must be a number, like 100M'],
    ['dailyActiveUsers', '100Q', 'Daily active users has an unknown unit "Q": use K, M, B or T'],
    ['dailyActiveUsers', '200B', 'Daily active users must be at most 100 B'],
    ['readsPerUserPerDay', '2M', 'Reads per user per day must be at most 1 M'],
    ['writesPerUserPerDay', '-0.1', 'Writes per user per day must be a number of 0 or more'],
    ['averageObjectBytes', '1 MiB', 'Average object size has an unknown unit "MiB": use B, KB, MB, GB or TB (1 KB = 1,000 bytes)'],
    ['averageObjectBytes', '2 TB', 'Average object size must be at most 1 TB'],
    ['averageObjectBytes', '1 MB per photo', 'Average object size must be a number, like 1 KB'],
    ['peakFactor', '0.5', 'Peak factor must be a number of 1 or more'],
    ['peakFactor', '0', 'Peak factor must be a number of 1 or more'],
    ['peakFactor', '1000', 'Peak factor must be at most 100'],
    ['peakFactor', '3K', 'Peak factor has an unknown unit "K": use a plain number like 3'],
    ['retentionDays', '5 decades', 'Retention has an unknown unit "decades": use days or years, like 30d or 5y'],
    ['retentionDays', '101y', 'Retention must be at most 36,500 days (100 years)'],
  ] as const)('%s: %j -> %s', (key, value, message) => {
    expect(errorsOf({ ...complete, [key]: value })).toEqual({ [key]: message })
  })

  it('reports every failing field at once', () => {
    expect(errorsOf({ peakFactor: 'x' })).toEqual({
      dailyActiveUsers: 'Daily active users is required',
      readsPerUserPerDay: 'Reads per user per day is required',
      writesPerUserPerDay: 'Writes per user per day is required',
      averageObjectBytes: 'Average object size is required',
      peakFactor: 'Peak factor must be a number, like 3',
      retentionDays: 'Retention is required',
    })
  })

  it('gives the same messages when a JSON body is checked with the schema directly', () => {
    const result = CapacityInputs.safeParse({ ...base, dailyActiveUsers: '100M', retentionDays: undefined })
    expect(result.success ? [] : result.error.issues.map((issue) => issue.message)).toEqual(['Daily active users must be a number of 0 or more', 'Retention is required'])
  })
})

describe('splitByRatio', () => {
  it.each([
    [100, 4, 1, 80, 20],
    [101, 100, 1, 100, 1],
    [10, 1, 0, 10, 0],
    [10, 0, 1, 0, 10],
    [0, 0, 0, 0, 0],
  ])('%d actions at %d:%d -> %d reads, %d writes', (actions, readShare, writeShare, reads, writes) => {
    expect(splitByRatio(actions, readShare, writeShare)).toEqual({ readsPerUserPerDay: reads, writesPerUserPerDay: writes })
  })

  it.each([
    [10, 0, 0, 'A read:write ratio needs at least one side above 0'],
    [-1, 1, 1, 'Actions and the read:write ratio must be numbers of 0 or more'],
    [10, NaN, 1, 'Actions and the read:write ratio must be numbers of 0 or more'],
    [10, 1, Infinity, 'Actions and the read:write ratio must be numbers of 0 or more'],
  ])('%d actions at %d:%d is refused', (actions, readShare, writeShare, message) => {
    expect(() => splitByRatio(actions, readShare, writeShare)).toThrow(message)
  })
})

describe('CAPACITY_INPUTS', () => {
  it('lists every schema field once, in form order, with a label and placeholder', () => {
    expect(CAPACITY_INPUTS.map((field) => field.key)).toEqual(Object.keys(CapacityInputs.shape))
    for (const field of CAPACITY_INPUTS) {
      expect(field.label).not.toBe('')
      expect(parseCapacityInputs({ ...base, [field.key]: field.placeholder }).ok).toBe(true)
    }
  })
})
