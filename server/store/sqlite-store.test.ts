import Database from 'better-sqlite3'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
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
})
