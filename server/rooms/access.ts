import { isRoomId, type Role } from '../../lib/sync/protocol'
import type { RoomStore, StoredRoom } from '../store/room-store'
import type { RoomTokens } from './tokens'

export type RoomAccess =
  | { ok: true; room: StoredRoom; role: Role }
  | { ok: false; status: 401 | 403 | 404; error: string }

/**
 * Who may open a room, for HTTP requests and sync connections alike: 401 without a token,
 * 403 for a token not signed for this room (whether or not the room exists, so a wrong token
 * learns nothing) or for a replaced link, 404 for a room that does not exist.
 */
export async function checkRoomAccess(
  store: RoomStore,
  tokens: RoomTokens,
  roomId: string,
  token: string | null,
): Promise<RoomAccess> {
  if (!isRoomId(roomId)) return { ok: false, status: 404, error: 'Room not found' }
  if (!token) return { ok: false, status: 401, error: 'This request needs a room link token' }
  const claim = tokens.claimOf(roomId, token)
  if (!claim) return { ok: false, status: 403, error: 'This link is not valid for this room' }
  const room = await store.getRoom(roomId)
  // A link from before tokens named their generation cannot be checked without the room.
  if (!room) return 'legacy' in claim ? { ok: false, status: 403, error: 'This link is not valid for this room' } : { ok: false, status: 404, error: 'Room not found' }
  const role = tokens.roleFor(room, token)
  if (!role) return { ok: false, status: 403, error: 'This link was replaced by a newer one' }
  return { ok: true, room, role }
}
