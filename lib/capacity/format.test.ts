import { describe, expect, it } from 'vitest'
import { CAPACITY_FIGURES, formatBytes, formatCount, formatFigure, formatRate } from './format'

describe('formatCount', () => {
  it.each([
    [0, '0'],
    [1, '1'],
    [950, '950'],
    [999, '999'],
    [999.4, '999'],
    [999.6, '1 K'],
    [1_000, '1 K'],
    [1_050, '1.05 K'],
    [11_574.07, '11.6 K'],
    [34_722.2, '34.7 K'],
    [100_000, '100 K'],
    [999_950, '1 M'],
    [1_200_000, '1.2 M'],
    [3e9, '3 B'],
    [1.157e10, '11.6 B'],
    [2.5e12, '2.5 T'],
    [1.157e17, '1.16e5 T'],
    [0.5, '0.5'],
    [0.0116, '0.0116'],
    [1.157e-5, '1.16e-5'],
    [-1_200, '-1.2 K'],
    [NaN, '—'],
    [Infinity, '—'],
  ])('%d -> %s', (n, text) => {
    expect(formatCount(n)).toBe(text)
  })
})

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1, '1 B'],
    [999, '999 B'],
    [1_000, '1 KB'],
    [1_024, '1.02 KB'],
    [1.5e6, '1.5 MB'],
    [100e9, '100 GB'],
    [182.5e12, '183 TB'],
    [3.2e15, '3.2 PB'],
    [3.65e18, '3.65 EB'],
    [999e18, '999 EB'],
    [3.65e33, '3.65e15 EB'],
    [0.25, '0.25 B'],
  ])('%d -> %s', (n, text) => {
    expect(formatBytes(n)).toBe(text)
  })
})

describe('formatRate', () => {
  it.each([
    [11_574, 'count', '11.6 K/s'],
    [950, 'count', '950/s'],
    [1.2e9, 'bytes', '1.2 GB/s'],
    [1_157.4, 'bytes', '1.16 KB/s'],
  ] as const)('%d %s -> %s', (n, unit, text) => {
    expect(formatRate(n, unit)).toBe(text)
  })

  it('ignores the process locale', () => {
    const toLocaleString = Number.prototype.toLocaleString
    Number.prototype.toLocaleString = function () {
      return 'locale'
    }
    try {
      expect(formatRate(1_234_567, 'count')).toBe('1.23 M/s')
    } finally {
      Number.prototype.toLocaleString = toLocaleString
    }
  })
})

describe('figure labels', () => {
  it.each([
    ['averageReadQps', 'Average read QPS', '11.6 K/s'],
    ['peakReadQps', 'Peak read QPS', '11.6 K/s'],
    ['averageWriteQps', 'Average write QPS', '11.6 K/s'],
    ['peakWriteQps', 'Peak write QPS', '11.6 K/s'],
    ['storagePerDayBytes', 'Storage per day', '11.6 KB'],
    ['storageOverRetentionBytes', 'Storage over retention', '11.6 KB'],
    ['ingressBytesPerSecond', 'Ingress', '11.6 KB/s'],
    ['egressBytesPerSecond', 'Egress', '11.6 KB/s'],
  ] as const)('%s is "%s", shown like %s', (key, label, text) => {
    expect(formatFigure(key, 11_574)).toEqual({ label, text })
    expect(CAPACITY_FIGURES.find((figure) => figure.key === key)?.label).toBe(label)
  })
})
