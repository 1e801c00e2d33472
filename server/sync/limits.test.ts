import { describe, expect, it } from 'vitest'
import { messageCost, resolveLimits, SYNC_LIMIT_DEFAULTS, TokenBucket } from './limits'

describe('limits', () => {
  it('L1: the bucket allows its burst at once, then its rate', () => {
    let now = 0
    const bucket = new TokenBucket(200, 60, () => now)
    for (let i = 0; i < 200; i++) expect(bucket.take(1)).toBe(true)
    expect(bucket.take(1)).toBe(false)
    now += 500
    for (let i = 0; i < 30; i++) expect(bucket.take(1)).toBe(true)
    expect(bucket.take(1)).toBe(false)
  })

  it('L2: a 120 Hz drag with a save check per frame and presence at 20 Hz runs for a minute within the defaults', () => {
    let now = 0
    const bucket = new TokenBucket(SYNC_LIMIT_DEFAULTS.messageBurst, SYNC_LIMIT_DEFAULTS.messagesPerSecond, () => now)
    for (let frame = 0; frame < 120 * 60; frame++) {
      now = (frame * 1000) / 120
      expect(bucket.take(1)).toBe(true)
      expect(bucket.take(1)).toBe(true)
      if (frame % 6 === 0) expect(bucket.take(1 / 20)).toBe(true)
    }
  })

  it('L3: a cost above the capacity takes a full bucket instead of never passing', () => {
    let now = 0
    const bucket = new TokenBucket(10, 1, () => now)
    expect(bucket.take(50)).toBe(true)
    expect(bucket.take(1)).toBe(false)
    now += 10_000
    expect(bucket.take(50)).toBe(true)
  })

  it('L4: a frame counts one message per started 64 KiB; limits not given come from the defaults', () => {
    expect(messageCost(0, SYNC_LIMIT_DEFAULTS)).toBe(1)
    expect(messageCost(64 * 1024, SYNC_LIMIT_DEFAULTS)).toBe(1)
    expect(messageCost(64 * 1024 + 1, SYNC_LIMIT_DEFAULTS)).toBe(2)
    const limits = resolveLimits({ maxConnectionsPerRoom: 3, maxDocumentBytes: undefined })
    expect(limits.maxConnectionsPerRoom).toBe(3)
    expect(limits.maxDocumentBytes).toBe(SYNC_LIMIT_DEFAULTS.maxDocumentBytes)
  })
})
