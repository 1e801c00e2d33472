/**
 * The link check (GET /api/rooms/:id/access), started as early as the page allows. RoomLoader
 * starts it when the page hydrates; useRoomAccess takes that answer once the room's code has
 * loaded, instead of asking only then. No zod here: this module is in the page's first chunks,
 * and the answer is checked where it is used.
 */

/** What the server said: its status and, if it granted access (2xx), the parsed body. Rejects if
 * the server could not be reached. */
export interface AccessAnswer {
  ok: boolean
  status: number
  body: unknown
}

/** The token of a room link, which sits in the URL's fragment so that it never reaches a log. */
export function tokenFromHash(): string | null {
  return new URLSearchParams(window.location.hash.slice(1)).get('token')
}

function requestAccess(roomId: string, token: string): Promise<AccessAnswer> {
  return fetch(`/api/rooms/${encodeURIComponent(roomId)}/access`, { headers: { Authorization: `Bearer ${token}` } }).then(async (response) => ({
    ok: response.ok,
    status: response.status,
    body: response.ok ? await response.json() : null,
  }))
}

const started = new Map<string, Promise<AccessAnswer>>()
const keyOf = (roomId: string, token: string) => `${roomId}#${token}`

/** Asks now, so that the answer is there when the room's code asks for it. */
export function startAccessCheck(roomId: string, token: string): void {
  const key = keyOf(roomId, token)
  if (started.has(key)) return
  const answer = requestAccess(roomId, token)
  answer.catch(() => {}) // handled by whoever takes it
  started.set(key, answer)
}

/** The answer started by startAccessCheck, used once; later calls ask again. */
export function checkAccess(roomId: string, token: string): Promise<AccessAnswer> {
  const key = keyOf(roomId, token)
  const early = started.get(key)
  started.delete(key)
  return early ?? requestAccess(roomId, token)
}
