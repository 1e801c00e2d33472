/**
 * The sync wire protocol: y-websocket's message types, plus one of ours. Shared by the
 * server and the browser so both agree on every number.
 */
export const MessageType = {
  /** y-protocols sync: step 1, step 2, update. */
  sync: 0,
  /** y-protocols awareness update. */
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  /**
   * Ours, a save check: the client sends `[100, n]` after changes; the server answers
   * `[100, n]` once everything the connection sent before the check is stored.
   */
  saveCheck: 100,
  /**
   * Ours, a clock probe: the client sends `[101, t]` (float64, its clock) and the server
   * answers `[101, t, serverNow]` so the client can estimate the server's clock.
   */
  time: 101,
} as const

/**
 * WebSocket close codes; 44xx mirror HTTP and tell y-websocket's client not to retry,
 * 45xx and 1xxx are transient and it reconnects.
 */
export const CloseCode = {
  badMessage: 4400,
  noToken: 4401,
  forbidden: 4403,
  notFound: 4404,
  tooLarge: 4413,
  clientOutdated: 4426,
  rateLimited: 4429,
  serverError: 4500,
  overloaded: 4503,
  goingAway: 1001,
} as const
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode]

/**
 * The close reason (with 4403) for a change the connection's role may not make, such as a
 * candidate's client starting the timer; the page tells it apart from a refused link.
 */
export const ROLE_REFUSAL_REASON = 'not allowed for your role'

export const Role = ['interviewer', 'candidate', 'reviewer'] as const
export type Role = (typeof Role)[number]

/** Room ids are 24 URL-safe characters (144 random bits). */
export const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]{24}$/

export function isRoomId(value: string): boolean {
  return ROOM_ID_PATTERN.test(value)
}

export const SYNC_PATH_PREFIX = '/sync/'
