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
  /** Appends updates of any rooms in one atomic write; returns their sequence numbers in order. */
  appendUpdates(updates: UpdateToAppend[]): Promise<number[]>
  loadRoomContent(roomId: string): Promise<RoomContent | null>
  /** Stores a snapshot covering every update up to and including upToSeq. */
  writeSnapshot(roomId: string, data: Uint8Array, upToSeq: number): Promise<void>
  /** Every update with its timestamp, oldest first (the log survives snapshots, for replay). */
  readUpdateLog(roomId: string, afterSeq?: number): Promise<StoredUpdate[]>
  close(): Promise<void>
}
