// The worker thread of server/store/wal-checkpointer.ts (plain JavaScript: a worker thread
// gets no TypeScript loader under tsx or vitest). It opens its own connection to the store's
// file and checkpoints the WAL now and then; see wal-checkpointer.ts for why.
import Database from 'better-sqlite3'
import { parentPort, workerData } from 'node:worker_threads'

const { file, intervalMs, restartPages } = workerData
const db = new Database(file, { fileMustExist: true })
// Only a RESTART checkpoint waits (for the writer's lock, then for readers). Against a writer
// that hardly lets go of its lock it gives up within ~20 ms, having done a PASSIVE one's work,
// and tries again at the next tick, rather than leaving the WAL unchecked for seconds.
db.pragma('busy_timeout = 20')
// This connection never writes, so it never checkpoints by itself either.
db.pragma('wal_autocheckpoint = 0')

const timer = setInterval(() => {
  try {
    // PASSIVE copies what no reader still needs and never waits for the writer.
    const [{ log }] = db.pragma('wal_checkpoint(PASSIVE)')
    // RESTART takes the writer's lock, copies the frames committed meanwhile and has the WAL
    // start over at the next commit (see wal-checkpointer.ts).
    if (log >= restartPages) db.pragma('wal_checkpoint(RESTART)')
  } catch (error) {
    parentPort?.postMessage({ type: 'failed', message: String(error) })
  }
}, intervalMs)

parentPort?.on('message', (message) => {
  if (message !== 'stop') return
  clearInterval(timer)
  db.close()
  parentPort?.close()
})
