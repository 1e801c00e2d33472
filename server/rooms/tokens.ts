import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { Role } from '../../lib/sync/protocol'
import type { StoredRoom } from '../store/room-store'

/**
 * Capability tokens are derived, not stored: HMAC(secret, room, role, generation). Rotating a
 * link bumps the generation, which invalidates every token of the previous one.
 */
export class RoomTokens {
  constructor(private readonly secret: Buffer) {}

  tokenFor(room: StoredRoom, role: Role): string {
    return createHmac('sha256', this.secret)
      .update(`${room.roomId}\u0000${role}\u0000${room.linkGenerations[role]}`)
      .digest('base64url')
      .slice(0, 32)
  }

  /** The role a token grants in this room, or null. Compares in constant time. */
  roleFor(room: StoredRoom, token: string): Role | null {
    const given = Buffer.from(token)
    for (const role of Role) {
      const expected = Buffer.from(this.tokenFor(room, role))
      if (given.length === expected.length && timingSafeEqual(given, expected)) return role
    }
    return null
  }
}

/** Reads the token secret from DATA_DIR, creating it (mode 0600) on first start. */
export function loadOrCreateTokenSecret(dataDir: string, configured?: string): Buffer {
  if (configured) return Buffer.from(configured)
  const file = path.join(dataDir, 'token-secret')
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim())
  mkdirSync(dataDir, { recursive: true })
  const secret = randomBytes(32).toString('base64url')
  writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' })
  chmodSync(file, 0o600)
  return Buffer.from(secret)
}
