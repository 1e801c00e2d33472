import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { Role } from '../../lib/sync/protocol'
import type { StoredRoom } from '../store/room-store'

/** What a token says it grants, checked against the secret but not yet against the store. */
export type TokenClaim = { role: Role; generation: number } | { legacy: true }

const TOKEN_PATTERN = /^([1-9][0-9]{0,8})\.([A-Za-z0-9_-]{32})$/
const LEGACY_PATTERN = /^[A-Za-z0-9_-]{32}$/

/**
 * Capability tokens are derived, not stored: `<generation>.<HMAC(secret, room, role,
 * generation)>`. Rotating a link bumps the generation, which invalidates every token of the
 * previous one. Because a token names its generation, its signature is checked before the
 * store is asked anything: a wrong token is refused the same way whether or not the room
 * exists. Links made before tokens named their generation (32 characters, no dot) still work.
 */
export class RoomTokens {
  constructor(private readonly secret: Buffer) {}

  tokenFor(room: StoredRoom, role: Role): string {
    const generation = room.linkGenerations[role]
    return `${generation}.${this.mac(room.roomId, role, generation)}`
  }

  /** The role and generation a token was signed for in this room; null when it was not. */
  claimOf(roomId: string, token: string): TokenClaim | null {
    if (LEGACY_PATTERN.test(token)) return { legacy: true }
    const match = TOKEN_PATTERN.exec(token)
    if (!match) return null
    const generation = Number(match[1])
    for (const role of Role) if (same(match[2]!, this.mac(roomId, role, generation))) return { role, generation }
    return null
  }

  /** The role a token grants in this room now, or null. Compares in constant time. */
  roleFor(room: StoredRoom, token: string): Role | null {
    const claim = this.claimOf(room.roomId, token)
    if (!claim) return null
    if (!('legacy' in claim)) return room.linkGenerations[claim.role] === claim.generation ? claim.role : null
    for (const role of Role) if (same(token, this.mac(room.roomId, role, room.linkGenerations[role]))) return role
    return null
  }

  private mac(roomId: string, role: Role, generation: number): string {
    return createHmac('sha256', this.secret).update(`${roomId}\u0000${role}\u0000${generation}`).digest('base64url').slice(0, 32)
  }
}

function same(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
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
