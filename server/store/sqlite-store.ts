import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { KEPT_HISTORY_SHARE, type RoomStore, type StoredRoom, type StoredUpdate, type UpdateToAppend } from './room-store'
import { RoomExistsError, RoomNotFoundError } from './store-errors'
import { startWalCheckpointer, type WalCheckpointerOptions } from './wal-checkpointer'

export interface SqliteRoomStore extends RoomStore {
  readonly file: string
}

export interface SqliteStoreOptions {
  /** How long a write waits for another connection's lock (the checkpoint worker's) before it fails with SQLITE_BUSY. Default 5 s. */
  writeWaitMs?: number
  /** The checkpoint worker's interval and WAL restart size (see wal-checkpointer.ts). */
  checkpoints?: WalCheckpointerOptions
}

const isBusy = (error: unknown): boolean => error instanceof Database.SqliteError && error.code.startsWith('SQLITE_BUSY')

/**
 * Runs a write, and while another connection holds the lock it needs, runs it again every
 * millisecond until `waitMs` have passed; the event loop serves everything else meanwhile.
 * SQLite's own busy timeout would sleep on the event loop instead, in steps of up to 100 ms.
 * A write that fails this way is rolled back whole, so running it again is safe.
 */
async function whenUnlocked<R>(write: () => R, waitMs: number): Promise<R> {
  const deadline = performance.now() + waitMs
  for (;;) {
    try {
      return write()
    } catch (error) {
      if (!isBusy(error) || performance.now() >= deadline) throw error
    }
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
}

type Role = keyof StoredRoom['linkGenerations']
type Db = Database.Database

/** Schema steps in order; user_version counts the steps applied. Add a step, never edit one. */
const migrations: ((db: Db) => void)[] = [
  (db) =>
    db.exec(`
      CREATE TABLE rooms (
        room_id TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        interviewer_generation INTEGER NOT NULL,
        candidate_generation INTEGER NOT NULL,
        reviewer_generation INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE updates (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        room_id TEXT NOT NULL REFERENCES rooms (room_id),
        at INTEGER NOT NULL,
        data BLOB NOT NULL
      ) STRICT;
      CREATE INDEX updates_by_room ON updates (room_id, seq);
      CREATE TABLE snapshots (
        room_id TEXT PRIMARY KEY REFERENCES rooms (room_id),
        up_to_seq INTEGER NOT NULL,
        data BLOB NOT NULL,
        at INTEGER NOT NULL
      ) STRICT;
    `),
  // Each room's updates side by side (keyed by room, then seq): folding a room's log rewrites a
  // few pages instead of one page per deleted row, as when rooms interleaved in one global order.
  // Seqs count per room from here on; the copied ones keep their values (increasing per room).
  (db) =>
    db.exec(`
      CREATE TABLE room_updates (
        room_id TEXT NOT NULL REFERENCES rooms (room_id),
        seq INTEGER NOT NULL,
        at INTEGER NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (room_id, seq)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO room_updates (room_id, seq, at, data) SELECT room_id, seq, at, data FROM updates;
      DROP TABLE updates;
    `),
]

export const SQLITE_SCHEMA_VERSION = migrations.length

function migrate(db: Db, file: string): void {
  const version = db.pragma('user_version', { simple: true }) as number
  if (version > migrations.length) {
    throw new Error(`${file} has schema version ${version}; this server knows up to ${migrations.length}`)
  }
  migrations.slice(version).forEach((step, i) =>
    db.transaction(() => {
      step(db)
      db.pragma(`user_version = ${version + i + 1}`)
    })(),
  )
}

interface RoomRow {
  room_id: string
  created_at: number
  interviewer_generation: number
  candidate_generation: number
  reviewer_generation: number
}
interface UpdateRow {
  seq: number
  at: number
  data: Buffer
}
interface SnapshotRow {
  up_to_seq: number
  data: Buffer
}

// A view, not a copy: better-sqlite3 hands out a fresh Buffer per row.
const bytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
const toUpdate = (r: UpdateRow): StoredUpdate => ({ seq: r.seq, at: r.at, update: bytes(r.data) })
const toRoom = (r: RoomRow): StoredRoom => ({
  roomId: r.room_id,
  createdAt: r.created_at,
  linkGenerations: {
    interviewer: r.interviewer_generation,
    candidate: r.candidate_generation,
    reviewer: r.reviewer_generation,
  },
})

/** Opens (creating if needed) a SQLite file as a RoomStore; one store per file per process. */
export function openSqliteStore(file: string, options: SqliteStoreOptions = {}): SqliteRoomStore {
  const { writeWaitMs = 5_000 } = options
  mkdirSync(path.dirname(file), { recursive: true })
  const db = new Database(file)
  try {
    // Folding logs frees pages, which a new file hands back to the file system (see writeSnapshot).
    // Only a file without tables can switch, and before WAL mode is set; older files reuse their free pages.
    if (db.pragma('user_version', { simple: true }) === 0) db.pragma('auto_vacuum = INCREMENTAL')
    db.pragma('journal_mode = WAL')
    // NORMAL under WAL: a committed transaction survives a process crash; only an OS crash or power loss can drop the last ones.
    db.pragma('synchronous = NORMAL')
    db.pragma('busy_timeout = 5000')
    db.pragma('foreign_keys = ON')
    migrate(db, file)
  } catch (error) {
    db.close()
    throw error
  }
  // Checkpoints off the thread that commits, so no commit waits for one (see wal-checkpointer.ts).
  const checkpointer = startWalCheckpointer(db, file, (message) => console.error(`${file}: ${message}`), options.checkpoints)
  // The worker's RESTART checkpoints hold the writer's lock for milliseconds: writes then fail
  // at once with SQLITE_BUSY and whenUnlocked runs them again later.
  db.pragma('busy_timeout = 0')

  const selectRoom = db.prepare<[string], RoomRow>('SELECT * FROM rooms WHERE room_id = ?')
  const insertRoom = db.prepare<[string, number, number, number, number]>(
    'INSERT INTO rooms VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
  )
  const setGeneration: Record<Role, Database.Statement<[number, string]>> = {
    interviewer: db.prepare('UPDATE rooms SET interviewer_generation = ? WHERE room_id = ?'),
    candidate: db.prepare('UPDATE rooms SET candidate_generation = ? WHERE room_id = ?'),
    reviewer: db.prepare('UPDATE rooms SET reviewer_generation = ? WHERE room_id = ?'),
  }
  const insertUpdate = db.prepare<[string, number, number, Uint8Array]>(
    'INSERT INTO room_updates (room_id, seq, at, data) VALUES (?, ?, ?, ?)',
  )
  // The highest seq a room has used: its newest update, or its snapshot's if a fold took them all.
  const selectLastSeq = db
    .prepare<{ roomId: string }, number>(
      `SELECT max(
        coalesce((SELECT max(seq) FROM room_updates WHERE room_id = @roomId), 0),
        coalesce((SELECT up_to_seq FROM snapshots WHERE room_id = @roomId), 0))`,
    )
    .pluck()
  const selectUpdates = db.prepare<[string, number], UpdateRow>(
    'SELECT seq, at, data FROM room_updates WHERE room_id = ? AND seq > ? ORDER BY seq',
  )
  const selectSnapshot = db.prepare<[string], SnapshotRow>('SELECT up_to_seq, data FROM snapshots WHERE room_id = ?')
  // A snapshot that finished after a newer one must not replace it.
  const upsertSnapshot = db.prepare<[string, number, Uint8Array, number]>(`
    INSERT INTO snapshots (room_id, up_to_seq, data, at) VALUES (?, ?, ?, ?)
    ON CONFLICT (room_id) DO UPDATE SET up_to_seq = excluded.up_to_seq, data = excluded.data, at = excluded.at
    WHERE excluded.up_to_seq >= snapshots.up_to_seq`)
  // A room's updates up to a seq, newest first, with their sizes: folding reads only the few it keeps.
  const newestUpdates = db.prepare<[string, number], { seq: number; bytes: number }>(
    'SELECT seq, length(data) AS bytes FROM room_updates WHERE room_id = ? AND seq <= ? ORDER BY seq DESC',
  )
  const deleteUpdatesUpTo = db.prepare<[string, number]>('DELETE FROM room_updates WHERE room_id = ? AND seq <= ?')
  /**
   * Deletes the updates up to upToSeq but the newest of them that fit in keepBytes. Summing every
   * covered update's size in SQL (a window over the ~500 since the last snapshot) took 1.7 ms of
   * the event loop per snapshot, 3-4 snapshots a second in the fan-out benchmark; reading from the
   * newest until the kept bytes are full takes a few rows (scratch timing: fold 1.65 -> 0.76 ms).
   */
  const foldLog = (roomId: string, upToSeq: number, keepBytes: number): number => {
    let kept = 0
    let foldUpTo: number | null = null
    for (const { seq, bytes } of newestUpdates.iterate(roomId, upToSeq)) {
      kept += bytes
      if (kept > keepBytes) {
        foldUpTo = seq
        // Leaving the loop resets the statement, which must be done before the connection runs another.
        break
      }
    }
    return foldUpTo === null ? 0 : deleteUpdatesUpTo.run(roomId, foldUpTo).changes
  }

  // The last seq of each room this connection wrote to (rooms are never deleted, and only this
  // connection writes the file), so an append costs one statement. A rolled-back write forgets
  // its rooms; a room's seqs may then skip numbers, never repeat one.
  const lastSeqs = new Map<string, number>()
  const LAST_SEQS_KEPT = 10_000
  const requireRoom = (roomId: string): void => {
    if (!lastSeqs.has(roomId) && !selectRoom.get(roomId)) throw new RoomNotFoundError(roomId)
  }
  const append = (u: UpdateToAppend): number => {
    const seq = (lastSeqs.get(u.roomId) ?? selectLastSeq.get({ roomId: u.roomId }) ?? 0) + 1
    insertUpdate.run(u.roomId, seq, u.at, u.update)
    if (lastSeqs.size >= LAST_SEQS_KEPT && !lastSeqs.has(u.roomId)) lastSeqs.clear()
    lastSeqs.set(u.roomId, seq)
    return seq
  }
  /** Runs a write transaction; if it fails, the seqs noted for its rooms go with it. */
  const forgettingOnFailure =
    <A extends unknown[], R>(write: (...args: A) => R, roomsOf: (...args: A) => string[]) =>
    (...args: A): R => {
      try {
        return write(...args)
      } catch (error) {
        for (const roomId of roomsOf(...args)) lastSeqs.delete(roomId)
        throw error
      }
    }

  const createRoom = forgettingOnFailure(
    db.transaction((room: StoredRoom, seedUpdate: Uint8Array) => {
      const g = room.linkGenerations
      const { changes } = insertRoom.run(room.roomId, room.createdAt, g.interviewer, g.candidate, g.reviewer)
      if (changes === 0) throw new RoomExistsError(room.roomId)
      append({ roomId: room.roomId, at: room.createdAt, update: seedUpdate })
    }),
    (room) => [room.roomId],
  )
  const appendUpdates = forgettingOnFailure(
    db.transaction((updates: UpdateToAppend[]) => {
      for (const u of updates) requireRoom(u.roomId)
      return updates.map(append)
    }),
    (updates) => updates.map((u) => u.roomId),
  )
  const loadRoomContent = db.transaction((roomId: string) => {
    if (!selectRoom.get(roomId)) return null
    const snapshot = selectSnapshot.get(roomId)
    return {
      snapshot: snapshot ? { data: bytes(snapshot.data), upToSeq: snapshot.up_to_seq } : null,
      updates: selectUpdates.all(roomId, snapshot?.up_to_seq ?? 0).map(toUpdate),
    }
  })
  const writeSnapshot = db.transaction((roomId: string, data: Uint8Array, upToSeq: number): number => {
    requireRoom(roomId)
    if (upsertSnapshot.run(roomId, upToSeq, data, Date.now()).changes === 0) return 0
    return foldLog(roomId, upToSeq, data.byteLength * KEPT_HISTORY_SHARE)
  })

  return {
    file,
    async createRoom(room, seedUpdate) {
      await whenUnlocked(() => createRoom(room, seedUpdate), writeWaitMs)
    },
    async getRoom(roomId) {
      const row = selectRoom.get(roomId)
      return row ? toRoom(row) : null
    },
    async setLinkGeneration(roomId, role, generation) {
      const { changes } = await whenUnlocked(() => setGeneration[role].run(generation, roomId), writeWaitMs)
      if (changes === 0) throw new RoomNotFoundError(roomId)
    },
    async appendUpdates(updates) {
      return whenUnlocked(() => appendUpdates(updates), writeWaitMs)
    },
    async loadRoomContent(roomId) {
      return loadRoomContent(roomId)
    },
    async writeSnapshot(roomId, data, upToSeq) {
      // Frees the pages the folded updates took (no-op for files made before auto_vacuum was set).
      if ((await whenUnlocked(() => writeSnapshot(roomId, data, upToSeq), writeWaitMs)) > 0) {
        await whenUnlocked(() => db.pragma('incremental_vacuum'), writeWaitMs)
      }
    },
    async readUpdateLog(roomId, afterSeq = 0) {
      return selectUpdates.all(roomId, afterSeq).map(toUpdate)
    },
    async close() {
      await checkpointer.stop()
      if (db.open) db.close()
    },
  }
}
