import { Role } from '../sync/protocol'

// No zod here: the room page reads this answer before the board's code has run, and zod (even
// zod/mini, which brings its whole core) is 23-33 KiB gzip of script to load and evaluate first.

/** Response of GET /api/rooms/<roomId>/access: what the caller's token grants. */
export interface RoomAccessInfo {
  roomId: string
  role: Role
  /** Only for the interviewer, who shares them. */
  links?: Record<Role, string>
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const isRole = (value: unknown): value is Role => (Role as readonly unknown[]).includes(value)
const isUrl = (value: unknown): value is string => typeof value === 'string' && URL.canParse(value)

/**
 * The access answer in `value` (a response body, or this device's cached copy of one), or null if
 * it is not one. Unknown fields are dropped, as a zod object would drop them.
 */
export function readRoomAccessInfo(value: unknown): RoomAccessInfo | null {
  if (!isObject(value) || typeof value.roomId !== 'string' || !isRole(value.role)) return null
  const info: RoomAccessInfo = { roomId: value.roomId, role: value.role }
  if (value.links === undefined) return info
  const links = value.links
  if (!isObject(links) || !Role.every((role) => isUrl(links[role]))) return null
  return { ...info, links: { interviewer: links.interviewer as string, candidate: links.candidate as string, reviewer: links.reviewer as string } }
}
