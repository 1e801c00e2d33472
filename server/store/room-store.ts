/** A room as the store knows it: its id and the role-link generations used to derive tokens. */
export interface StoredRoom {
  roomId: string
  createdAt: number
  /** Bumped when the interviewer rotates a link; tokens of older generations stop working. */
  linkGenerations: Record<'interviewer' | 'candidate' | 'reviewer', number>
}

/** One Yjs update in a room's log. */
export interface StoredUpdate {
  seq: number
  /** Milliseconds since the epoch, when the server stored it. */
  at: number
  update: Uint8Array
}

export interface UpdateToAppend {
  roomId: string
  update: Uint8Array
  at: number
}

/**
 * Of the updates a snapshot covers, a store keeps the newest whose bytes add up to at most this
 * share of the snapshot's bytes: a recent history with timestamps, while a room takes at most
 * (1 + share) times its document, plus the updates since its last snapshot.
 */
export const KEPT_HISTORY_SHARE = 0.25

/** What loading a room returns: the latest snapshot (if any) and every update after it. */
export interface RoomContent {
  snapshot: { data: Uint8Array; upToSeq: number } | null
  updates: StoredUpdate[]
}

/**
 * Durable storage of rooms. Every backend passes server/store/room-store.contract.ts.
 * Methods are async so that a networked backend (Postgres) fits the same shape.
 */
export interface RoomStore {
  /** Creates a room with its seed update; fails if the id exists. */
  createRoom(room: StoredRoom, seedUpdate: Uint8Array): Promise<void>
  getRoom(roomId: string): Promise<StoredRoom | null>
  setLinkGeneration(roomId: string, role: keyof StoredRoom['linkGenerations'], generation: number): Promise<void>
  /** Appends updates of any rooms in one atomic write; returns their seqs, which increase within each room. */
  appendUpdates(updates: UpdateToAppend[]): Promise<number[]>
  loadRoomContent(roomId: string): Promise<RoomContent | null>
  /**
   * Stores a snapshot covering every update up to and including upToSeq, unless a newer one is
   * stored, and folds the log it covers away but for a recent history (see KEPT_HISTORY_SHARE).
   */
  writeSnapshot(roomId: string, data: Uint8Array, upToSeq: number): Promise<void>
  /**
   * The updates the store holds, with their timestamps, oldest first: every one after the latest
   * snapshot and the recent history before it. Older updates live on only in the snapshot.
   */
  readUpdateLog(roomId: string, afterSeq?: number): Promise<StoredUpdate[]>
  close(): Promise<void>
}
