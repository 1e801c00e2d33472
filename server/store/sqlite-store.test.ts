import Database from 'better-sqlite3'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { describeRoomStoreContract } from './room-store.contract'
import { openSqliteStore, SQLITE_SCHEMA_VERSION } from './sqlite-store'
import { eventually } from '../testing/harness'

const tempDirs: string[] = []
const tempFile = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'room-store-'))
  tempDirs.push(dir)
  return path.join(dir, 'nested', 'rooms.sqlite')
}
afterEach(() => tempDirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })))

describeRoomStoreContract('sqlite', async () => {
  const file = tempFile()
  return { store: openSqliteStore(file), reopen: async () => openSqliteStore(file), cleanup: async () => {} }
})

describe('sqlite store', () => {
  it('opens in WAL mode at the current schema version and refuses a file from a newer server', async () => {
    const file = tempFile()
    await openSqliteStore(file).close()
    const raw = new Database(file)
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(raw.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION)
    raw.pragma(`user_version = ${SQLITE_SCHEMA_VERSION + 1}`)
    raw.close()
    expect(() => openSqliteStore(file)).toThrow(/schema version/)
  })

  it('moves a version 1 file (one global update log) to per-room logs, keeping every update, snapshot and seq', async () => {
    const file = tempFile()
    mkdirSync(path.dirname(file), { recursive: true })
    const v1 = new Database(file)
    v1.exec(`
      CREATE TABLE rooms (room_id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, interviewer_generation INTEGER NOT NULL,
        candidate_generation INTEGER NOT NULL, reviewer_generation INTEGER NOT NULL) STRICT;
      CREATE TABLE updates (seq INTEGER PRIMARY KEY AUTOINCREMENT, room_id TEXT NOT NULL REFERENCES rooms (room_id),
        at INTEGER NOT NULL, data BLOB NOT NULL) STRICT;
      CREATE INDEX updates_by_room ON updates (room_id, seq);
      CREATE TABLE snapshots (room_id TEXT PRIMARY KEY REFERENCES rooms (room_id), up_to_seq INTEGER NOT NULL,
        data BLOB NOT NULL, at INTEGER NOT NULL) STRICT;
      INSERT INTO rooms VALUES ('a', 1, 1, 1, 1), ('b', 1, 1, 1, 1);
      INSERT INTO updates (room_id, at, data) VALUES ('a', 1, x'a0'), ('b', 1, x'b0'), ('a', 2, x'a1'), ('b', 2, x'b1');
      INSERT INTO snapshots VALUES ('a', 3, x'aa', 3);
      PRAGMA user_version = 1;
    `)
    v1.close()

    const store = openSqliteStore(file)
    expect(await store.loadRoomContent('a')).toEqual({ snapshot: { data: new Uint8Array([0xaa]), upToSeq: 3 }, updates: [] })
    expect(await store.readUpdateLog('a')).toEqual([
      { seq: 1, at: 1, update: new Uint8Array([0xa0]) },
      { seq: 3, at: 2, update: new Uint8Array([0xa1]) },
    ])
    expect((await store.readUpdateLog('b')).map((u) => u.seq)).toEqual([2, 4])
    // Each room carries on from its own highest seq.
    expect(await store.appendUpdates([{ roomId: 'b', update: new Uint8Array([0xb2]), at: 3 }, { roomId: 'a', update: new Uint8Array([0xa2]), at: 3 }])).toEqual([5, 4])
    expect((await store.loadRoomContent('a'))?.updates.map((u) => u.update[0])).toEqual([0xa2])
    await store.close()
    const raw = new Database(file, { readonly: true })
    expect(raw.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION)
    expect(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'updates'").all()).toEqual([])
    raw.close()
  })

  it('gives the pages of folded updates back to the file system (a new file uses incremental auto_vacuum)', async () => {
    const file = tempFile()
    const store = openSqliteStore(file)
    const pages = () => {
      const raw = new Database(file, { readonly: true })
      try {
        return { autoVacuum: raw.pragma('auto_vacuum', { simple: true }), pages: raw.pragma('page_count', { simple: true }) as number }
      } finally {
        raw.close()
      }
    }
    await store.createRoom({ roomId: 'r1', createdAt: 1, linkGenerations: { interviewer: 1, candidate: 1, reviewer: 1 } }, new Uint8Array([0]))
    const updates = Array.from({ length: 400 }, (_, i) => ({ roomId: 'r1', update: new Uint8Array(2_000).fill(i & 0xff), at: i }))
    const seqs = await store.appendUpdates(updates)
    const before = pages()
    await store.writeSnapshot('r1', new Uint8Array(100), seqs.at(-1)!)
    const after = pages()
    await store.close()
    expect(before.autoVacuum).toBe(2)
    expect(before.pages).toBeGreaterThan(200)
    expect(after.pages).toBeLessThan(before.pages / 10)
  })

  it('keeps every acknowledged update when the process is killed right after appendUpdates resolved', async () => {
    const file = tempFile()
    const root = fileURLToPath(new URL('../..', import.meta.url))
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/store/sqlite-crash-writer.ts', file, '300'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, sig) => resolve(sig)))
    expect(signal, stderr).toBe('SIGKILL')

    const acks = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { seqs: number[]; updates: number[][] })
    expect(acks).toHaveLength(300)
    const store = openSqliteStore(file)
    const stored = new Map((await store.readUpdateLog('r1')).map((u) => [u.seq, [...u.update]]))
    await store.close()
    for (const ack of acks) ack.seqs.forEach((seq, i) => expect(stored.get(seq)).toEqual(ack.updates[i]))
  })

  it('a process that closes its store carries on (the checkpoint worker does not cut it short)', () => {
    const fixture = fileURLToPath(new URL('./close-and-continue.fixture.ts', import.meta.url))
    const run = spawnSync(process.execPath, ['--import', 'tsx', fixture], { encoding: 'utf8', timeout: 30_000 })
    expect(run.stdout).toContain('closed, and still running')
    expect(run.status).toBe(0)
  })

  it('checkpoints the WAL from its worker, not in the commits of its writer', async () => {
    const file = tempFile()
    const store = openSqliteStore(file)
    await store.createRoom({ roomId: 'r1', createdAt: 0, linkGenerations: { interviewer: 1, candidate: 1, reviewer: 1 } }, new Uint8Array([0]))
    const emptySize = statSync(file).size
    // 200 pages of updates: far below the writer's own checkpoint threshold.
    for (let batch = 0; batch < 50; batch++) {
      await store.appendUpdates([0, 1, 2, 3].map((i) => ({ roomId: 'r1', at: batch, update: new Uint8Array(4000).fill(i) })))
    }
    // Only a checkpoint moves pages from the WAL into the database file.
    await eventually(() => expect(statSync(file).size).toBeGreaterThan(emptySize + 100 * 4096))
    await store.close()
    // The worker's connection is closed too: the last connection to close removes the WAL.
    expect(existsSync(`${file}-wal`)).toBe(false)
  })

  const room = (roomId: string) => ({ roomId, createdAt: 0, linkGenerations: { interviewer: 1, candidate: 1, reviewer: 1 } })

  it('a write waits for a lock another connection holds without holding up the event loop, then lands', async () => {
    const file = tempFile()
    const store = openSqliteStore(file)
    await store.createRoom(room('r1'), new Uint8Array([0]))
    const other = new Database(file)
    other.exec('BEGIN IMMEDIATE')
    // Released from a timer: a writer that waited inside SQLite (a busy timeout) would hold the
    // thread, the timer could not fire, and the write would fail once its wait ran out.
    let ticks = 0
    const ticker = setInterval(() => (ticks += 1), 5)
    setTimeout(() => other.exec('COMMIT'), 100)
    try {
      await expect(store.appendUpdates([{ roomId: 'r1', at: 1, update: new Uint8Array([1]) }])).resolves.toEqual([2])
      expect(ticks).toBeGreaterThan(5)
    } finally {
      clearInterval(ticker)
      other.close()
      await store.close()
    }
  })

  it('a write that cannot get the lock within its wait fails with SQLITE_BUSY and changes nothing; the next one lands', async () => {
    const file = tempFile()
    const store = openSqliteStore(file, { writeWaitMs: 150 })
    await store.createRoom(room('r1'), new Uint8Array([0]))
    const other = new Database(file)
    other.exec('BEGIN IMMEDIATE')
    try {
      await expect(store.appendUpdates([{ roomId: 'r1', at: 1, update: new Uint8Array([1]) }])).rejects.toMatchObject({ code: 'SQLITE_BUSY' })
      await expect(store.setLinkGeneration('r1', 'candidate', 2)).rejects.toMatchObject({ code: 'SQLITE_BUSY' })
      other.exec('ROLLBACK')
      const [seq] = await store.appendUpdates([{ roomId: 'r1', at: 2, update: new Uint8Array([2]) }])
      expect((await store.readUpdateLog('r1')).map((u) => [u.seq, [...u.update]])).toEqual([
        [1, [0]],
        [seq, [2]],
      ])
      expect((await store.getRoom('r1'))?.linkGenerations.candidate).toBe(1)
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK')
      other.close()
      await store.close()
    }
  })

  it('keeps every update, in order, while its checkpoint worker restarts the WAL at every tick under steady writes', async () => {
    const file = tempFile()
    // A RESTART checkpoint whenever the WAL holds anything, every 5 ms: it takes the writer's
    // lock again and again while updates come in, and those writes wait for it and land.
    const store = openSqliteStore(file, { checkpoints: { everyMs: 5, restartPages: 1 } })
    await store.createRoom(room('r1'), new Uint8Array([0]))
    const count = 2_000
    const seqs: number[] = []
    for (let i = 1; i <= count; i++) {
      seqs.push(...(await store.appendUpdates([{ roomId: 'r1', at: i, update: new Uint8Array(4000).fill(i % 251) }])))
      const until = performance.now() + 0.3
      while (performance.now() < until);
    }
    await store.close()
    expect(seqs).toEqual(Array.from({ length: count }, (_, k) => k + 2))
    const reopened = openSqliteStore(file)
    const log = await reopened.readUpdateLog('r1')
    await reopened.close()
    expect(log.map((u) => [u.seq, u.update[0], u.update.byteLength])).toEqual([
      [1, 0, 1],
      ...Array.from({ length: count }, (_, k) => [k + 2, (k + 1) % 251, 4000]),
    ])
  })
})
