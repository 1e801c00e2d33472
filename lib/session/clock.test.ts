import { describe, expect, it } from 'vitest'
import { ServerClock, sampleOffset, type ClockSample } from './clock'
import { DEFAULT_PLAN } from './plan'
import { initialTimer, nextPhase, startTimer, timerView } from './timer'

/** mulberry32: a small seeded generator so failures reproduce. */
function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A probe from a device whose clock reads `offsetMs` less than the server's. */
function probe(localAt: number, offsetMs: number, upMs: number, downMs: number): ClockSample {
  return { sentAt: localAt, serverTime: localAt + upMs + offsetMs, receivedAt: localAt + upMs + downMs }
}

/** Eight probes with lopsided delays (slow uplink), one of them fast. */
function probes(random: () => number, offsetMs: number): ClockSample[] {
  const fast = Math.floor(random() * 8)
  return Array.from({ length: 8 }, (_, i) => {
    const localAt = 1_000_000 + i * 5_000
    return i === fast
      ? probe(localAt, offsetMs, random() * 40, random() * 40)
      : probe(localAt, offsetMs, 200 + random() * 1_800, 5 + random() * 45)
  })
}

describe('server clock', () => {
  it('computes offset and round trip of one sample', () => {
    expect(sampleOffset({ sentAt: 1_000, serverTime: 5_100, receivedAt: 1_200 })).toEqual({ offsetMs: 4_000, rttMs: 200 })
  })

  it('reads the local clock until it has a sample', () => {
    const clock = new ServerClock()
    expect(clock.hasEstimate).toBe(false)
    expect(clock.now(123_456)).toBe(123_456)
  })

  it.each(Array.from({ length: 20 }, (_, i) => 1_000 + i))('estimates a +37 s offset within 50 ms (seed %i)', (seed) => {
    const clock = new ServerClock()
    for (const sample of probes(seeded(seed), 37_000)) clock.addSample(sample)
    expect(clock.hasEstimate).toBe(true)
    expect(Math.abs(clock.now(2_000_000) - (2_000_000 + 37_000))).toBeLessThan(50)
  })

  it.each([
    ['negative round trip', { sentAt: 2_000, serverTime: 9_000, receivedAt: 1_990 }],
    ['round trip over 10 s', { sentAt: 2_000, serverTime: 9_000, receivedAt: 12_001 }],
    ['non-numeric server time', { sentAt: 2_000, serverTime: Number.NaN, receivedAt: 2_001 }],
  ])('ignores a sample with a %s', (_name, bad) => {
    const clock = new ServerClock()
    clock.addSample(probe(0, 500, 100, 100))
    expect(clock.addSample(bad)).toBe(false)
    expect(clock.offsetMs).toBe(500)
  })

  it('forgets samples older than the last eight, so a stale fast one stops counting', () => {
    const clock = new ServerClock()
    clock.addSample(probe(0, 1_000, 1, 1))
    for (let i = 1; i <= 7; i++) clock.addSample(probe(i * 1_000, 3_000, 100, 100))
    expect(clock.offsetMs).toBe(1_000)
    clock.addSample(probe(9_000, 3_000, 100, 100))
    expect(clock.offsetMs).toBe(3_000)
  })

  it('keeps two clients with skewed clocks within 250 ms of each other on the shared timer', () => {
    const random = seeded(42)
    // Device clocks: 5 s behind and 90 s ahead of the server.
    const clients = [-5_000, 90_000].map((skew) => {
      const clock = new ServerClock()
      for (const sample of probes(random, -skew)) clock.addSample(sample)
      return { skew, clock }
    })
    const serverStart = 1_700_000_000_000
    const timer = nextPhase(startTimer(initialTimer(), serverStart), serverStart + 7 * 60_000)
    const serverInstant = serverStart + 9 * 60_000 + 17_345
    const [a, b] = clients.map(({ skew, clock }) => timerView(timer, DEFAULT_PLAN, clock.now(serverInstant + skew)).remainingMs)
    const [rawA, rawB] = clients.map(({ skew }) => timerView(timer, DEFAULT_PLAN, serverInstant + skew).remainingMs)
    expect(Math.abs(a! - b!)).toBeLessThan(250)
    expect(Math.abs(rawA! - rawB!)).toBeGreaterThan(60_000)
  })
})
