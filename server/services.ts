import type { NewRoom } from '../lib/rooms/api'
import type { RoomExport } from '../lib/room-export/room-export'
import type { RoomAccess, RoomLinks } from './rooms/rooms'
import type { StoredRoom } from './store/room-store'
import type { AssetStore } from './assets/asset-store'

/**
 * What Next's route handlers may ask of the running server. Next bundles route handlers
 * apart from server/main.ts, so they reach the one live store through globalThis, and
 * import nothing but types from server/.
 */
export interface RoomServices {
  createRoom(input: NewRoom, origin: string): Promise<{ roomId: string; links: RoomLinks }>
  checkAccess(roomId: string, token: string | null): Promise<RoomAccess>
  links(room: StoredRoom, origin: string): RoomLinks
  assets: AssetStore
  /** New generation of one role's link; closes that role's open connections. */
  rotateLink(roomId: string, role: 'candidate' | 'reviewer'): Promise<StoredRoom>
  /** The room's shared content as stored, or null for an unknown room. */
  exportRoom(roomId: string): Promise<RoomExport | null>
  /** Origin for links when configured (behind a proxy); otherwise the request's. */
  publicOrigin: string | undefined
}

const KEY = Symbol.for('boxes-and-arrows.services')

export function setRoomServices(services: RoomServices): void {
  ;(globalThis as Record<symbol, unknown>)[KEY] = services
}

export function getRoomServices(): RoomServices {
  const services = (globalThis as Record<symbol, unknown>)[KEY] as RoomServices | undefined
  if (!services) throw new Error('Room services are not running: start the app with `npm start`')
  return services
}
