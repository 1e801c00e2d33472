import type Database from 'better-sqlite3'
import { Worker } from 'node:worker_threads'

/**
 * SQLite checkpoints a WAL inside the commit that takes it past `wal_autocheckpoint` pages, on
 * the thread that commits: it copies the WAL into the database and syncs both files. With
 * every update stored before it is broadcast, that commit is on the broadcast path of every
 * room; on our 2-core VM it took 15-25 ms once every ~150 batches of the drag benchmark and
 * set the tail latency of the whole server. A PASSIVE checkpoint from another connection runs
 * alongside the writer (WAL mode lets it), so a worker thread does them instead.
 *
 * A passive checkpoint never sends the WAL back to its start: the writer does that at its next
 * commit only if the checkpoint before it copied every frame, and under writes that never
 * pause for a checkpoint's length (its fsyncs take 5-25 ms here) new frames always came in
 * meanwhile. The WAL then grew until the writer's own checkpoint, which syncs on the event
 * loop: in the fan-out benchmark (2,000 commits a second) the main thread sat in fsync for
 * 23-42 ms every 2.6-3 s (perf sched), the longest stalls of the run. So once the WAL holds
 * `restartPages`, the worker follows its passive checkpoint with a RESTART one: it holds the
 * writer's lock only to copy the frames committed during the passive one (5-15 ms here), and
 * the store's writes wait for it off the event loop (see sqlite-store.ts). The writer's own
 * automatic checkpoint stays as a backstop, at twice that size.
 */
export interface WalCheckpointer {
  /** Stops the worker and closes its connection; call before closing the writer's connection. */
  stop(): Promise<void>
}

export interface WalCheckpointerOptions {
  /** How often the worker checkpoints; it copies what was committed since. Default 250 ms. */
  everyMs?: number
  /**
   * WAL pages after which the worker restarts the WAL. Default 32,768 (128 MiB at 4 KiB
   * pages): at the fan-out benchmark's write rate, every ~10 s.
   */
  restartPages?: number
}

/** SQLite's default, restored if the worker fails. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1_000

export function startWalCheckpointer(
  db: Database.Database,
  file: string,
  log: (message: string) => void = () => undefined,
  { everyMs = 250, restartPages = 32_768 }: WalCheckpointerOptions = {},
): WalCheckpointer {
  const worker = new Worker(new URL('./wal-checkpoint-worker.mjs', import.meta.url), {
    workerData: { file, intervalMs: everyMs, restartPages },
  })
  // Never keeps the process alive; a store left open exits with its process.
  worker.unref()
  db.pragma(`wal_autocheckpoint = ${restartPages * 2}`)
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
