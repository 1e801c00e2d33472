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
