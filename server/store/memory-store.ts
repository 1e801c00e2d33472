import { KEPT_HISTORY_SHARE, type RoomContent, type RoomStore, type StoredRoom, type StoredUpdate } from './room-store'
import { RoomExistsError, RoomNotFoundError } from './store-errors'

interface MemoryRoom {
  room: StoredRoom
  log: StoredUpdate[]
  snapshot: { data: Uint8Array; upToSeq: number; at: number } | null
}

const copyRoom = (room: StoredRoom): StoredRoom => ({ ...room, linkGenerations: { ...room.linkGenerations } })
const copyUpdate = (u: StoredUpdate): StoredUpdate => ({ seq: u.seq, at: u.at, update: u.update.slice() })

/** The log without the updates up to upToSeq, but for the newest of them within keepBytes. */
function foldLog(log: StoredUpdate[], upToSeq: number, keepBytes: number): StoredUpdate[] {
  let kept = 0
  let firstKept = log.findIndex((u) => u.seq > upToSeq)
  if (firstKept === -1) firstKept = log.length
  while (firstKept > 0 && kept + log[firstKept - 1]!.update.byteLength <= keepBytes) {
    firstKept -= 1
    kept += log[firstKept]!.update.byteLength
  }
  return log.slice(firstKept)
}

/** A RoomStore in process memory with the SQLite store's semantics; bytes are copied in and out. */
export function createMemoryStore(): RoomStore {
  const rooms = new Map<string, MemoryRoom>()
  let lastSeq = 0

  const roomOf = (roomId: string): MemoryRoom => {
    const entry = rooms.get(roomId)
    if (!entry) throw new RoomNotFoundError(roomId)
    return entry
  }

  return {
    async createRoom(room, seedUpdate) {
      if (rooms.has(room.roomId)) throw new RoomExistsError(room.roomId)
      const seed = { seq: ++lastSeq, at: room.createdAt, update: seedUpdate.slice() }
      rooms.set(room.roomId, { room: copyRoom(room), log: [seed], snapshot: null })
    },
    async getRoom(roomId) {
      const entry = rooms.get(roomId)
      return entry ? copyRoom(entry.room) : null
    },
    async setLinkGeneration(roomId, role, generation) {
      roomOf(roomId).room.linkGenerations[role] = generation
    },
    async appendUpdates(updates) {
      // Check every room first so a batch naming an unknown room stores nothing, like a rolled-back transaction.
      const targets = updates.map((u) => roomOf(u.roomId))
      return updates.map((u, i) => {
        const seq = ++lastSeq
        targets[i]!.log.push({ seq, at: u.at, update: u.update.slice() })
        return seq
      })
    },
    async loadRoomContent(roomId): Promise<RoomContent | null> {
      const entry = rooms.get(roomId)
      if (!entry) return null
      const upToSeq = entry.snapshot?.upToSeq ?? 0
      return {
        snapshot: entry.snapshot && { data: entry.snapshot.data.slice(), upToSeq: entry.snapshot.upToSeq },
        updates: entry.log.filter((u) => u.seq > upToSeq).map(copyUpdate),
      }
    },
    async writeSnapshot(roomId, data, upToSeq) {
      const entry = roomOf(roomId)
      // A snapshot that finished after a newer one must not replace it.
      if (entry.snapshot && entry.snapshot.upToSeq > upToSeq) return
      entry.snapshot = { data: data.slice(), upToSeq, at: Date.now() }
      entry.log = foldLog(entry.log, upToSeq, data.byteLength * KEPT_HISTORY_SHARE)
    },
    async readUpdateLog(roomId, afterSeq = 0) {
      return (rooms.get(roomId)?.log ?? []).filter((u) => u.seq > afterSeq).map(copyUpdate)
    },
    async close() {},
  }
}
