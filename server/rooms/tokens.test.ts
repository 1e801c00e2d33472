import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { StoredRoom } from '../store'
import { RoomTokens } from './tokens'

const room = (generation = 1): StoredRoom => ({
  roomId: 'r'.repeat(24),
  createdAt: 0,
  linkGenerations: { interviewer: 1, candidate: generation, reviewer: 1 },
})

describe('room tokens', () => {
  const tokens = new RoomTokens(Buffer.from('s'.repeat(32)))

  it('T1: each role has its own token, which grants exactly that role', () => {
    const roles = ['interviewer', 'candidate', 'reviewer'] as const
    const issued = roles.map((role) => tokens.tokenFor(room(), role))
    expect(new Set(issued).size).toBe(3)
    roles.forEach((role, i) => expect(tokens.roleFor(room(), issued[i] ?? '')).toBe(role))
  })

  it('T2: wrong, empty, other-room and other-secret tokens grant nothing', () => {
    expect(tokens.roleFor(room(), '')).toBeNull()
    expect(tokens.roleFor(room(), 'x'.repeat(32))).toBeNull()
    const other = { ...room(), roomId: 'o'.repeat(24) }
    expect(tokens.roleFor(room(), tokens.tokenFor(other, 'candidate'))).toBeNull()
    const elsewhere = new RoomTokens(Buffer.from('z'.repeat(32)))
    expect(tokens.roleFor(room(), elsewhere.tokenFor(room(), 'candidate'))).toBeNull()
  })

  it('T3: a new link generation invalidates the old token of that role only', () => {
    const old = tokens.tokenFor(room(1), 'candidate')
    expect(tokens.roleFor(room(2), old)).toBeNull()
    expect(tokens.roleFor(room(2), tokens.tokenFor(room(1), 'reviewer'))).toBe('reviewer')
  })
})

describe('token claims (checked before the store is asked)', () => {
  const tokens = new RoomTokens(Buffer.from('s'.repeat(32)))

  it('T4: a token names its role and generation; the claim holds only for its own room and secret', () => {
    const token = tokens.tokenFor(room(3), 'candidate')
    expect(token).toMatch(/^3\.[A-Za-z0-9_-]{32}$/)
    expect(tokens.claimOf(room().roomId, token)).toEqual({ role: 'candidate', generation: 3 })
    expect(tokens.claimOf('o'.repeat(24), token)).toBeNull()
    expect(new RoomTokens(Buffer.from('z'.repeat(32))).claimOf(room().roomId, token)).toBeNull()
    // Changing the generation it names breaks the signature.
    expect(tokens.claimOf(room().roomId, token.replace(/^3\./, '1.'))).toBeNull()
    for (const junk of ['', '.', '0.' + 'a'.repeat(32), '1.' + 'a'.repeat(31), '1.' + 'a'.repeat(33), '99999999999.' + 'a'.repeat(32), 'x'.repeat(200)]) {
      expect(tokens.claimOf(room().roomId, junk)).toBeNull()
    }
  })

  it('T5: links made before tokens named their generation still open their room', () => {
    const legacy = createHmac('sha256', Buffer.from('s'.repeat(32))).update(`${room().roomId}\u0000reviewer\u00001`).digest('base64url').slice(0, 32)
    expect(tokens.claimOf(room().roomId, legacy)).toEqual({ legacy: true })
    expect(tokens.roleFor(room(), legacy)).toBe('reviewer')
    expect(tokens.roleFor(room(), 'x'.repeat(32))).toBeNull()
  })
})
