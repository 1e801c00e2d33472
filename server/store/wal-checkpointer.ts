import type Database from 'better-sqlite3'
import { Worker } from 'node:worker_threads'

/**
 * SQLite checkpoints a WAL inside the commit that takes it past `wal_autocheckpoint` pages, on
 * the thread that commits: it copies the WAL into the database and syncs both files. With
 * every update stored before it is broadcast, that commit is on the broadcast path of every
 * room; on our 2-core VM it took 15-25 ms once every ~150 batches of the drag benchmark and
 * set the tail latency of the whole server. A PASSIVE checkpoint from another connection runs
 * alongside the writer (WAL mode lets it), so a worker thread does them instead. The writer's
 * own automatic checkpoint stays as a backstop, at a size the worker keeps the WAL under.
 */
export interface WalCheckpointer {
  /** Stops the worker and closes its connection; call before closing the writer's connection. */
  stop(): Promise<void>
}

/** How often the worker checkpoints; it copies what was committed since, a few hundred pages at most. */
const CHECKPOINT_EVERY_MS = 250
/** The writer's own automatic checkpoint while the worker runs: 10,000 pages (~40 MiB of WAL). */
const BACKSTOP_PAGES = 10_000
/** SQLite's default, restored if the worker fails. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1_000

export function startWalCheckpointer(db: Database.Database, file: string, log: (message: string) => void = () => undefined): WalCheckpointer {
  const worker = new Worker(new URL('./wal-checkpoint-worker.mjs', import.meta.url), {
    workerData: { file, intervalMs: CHECKPOINT_EVERY_MS },
  })
  // Never keeps the process alive; a store left open exits with its process.
  worker.unref()
  db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`)
  let running = true
  const fallBack = (why: string) => {
    if (!running) return
    running = false
    log(`WAL checkpoints are back on the writer's thread: ${why}`)
    if (db.open) db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`)
  }
  worker.on('message', (message: { type?: string; message?: string }) => {
    if (message.type === 'failed') log(`WAL checkpoint failed: ${message.message ?? ''}`)
  })
  worker.on('error', (error) => fallBack(String(error)))
  const exited = new Promise<void>((resolve) =>
    worker.on('exit', (code) => {
      if (running && code !== 0) fallBack(`the worker exited with ${code}`)
      resolve()
    }),
  )
  return {
    async stop() {
      running = false
      // Unreferenced, the worker would let a process with nothing else to do exit here, in
      // the middle of closing the store, before the rest of its shutdown ran.
      worker.ref()
      worker.postMessage('stop')
      await exited
    },
  }
}
