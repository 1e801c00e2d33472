// The compaction worker (see compactor.ts): folds a room's changes into its encoding off the
// server's event loop.
import { setPriority } from 'node:os'
import { parentPort } from 'node:worker_threads'
import { foldEncoding } from './fold-encoding.mjs'

// Folding is background work: where it shares a core with the event loop, the event loop goes
// first. On Linux, setpriority(PRIO_PROCESS, 0) sets the nice value of the calling thread only.
try {
  setPriority(0, 10)
} catch {
  // Not allowed here (or not supported): fold at the same priority.
}

parentPort?.on('message', ({ id, name, base, changes }) => {
  try {
    const encoded = foldEncoding(name, base, changes)
    parentPort?.postMessage({ id, encoded }, [encoded.buffer])
  } catch (error) {
    parentPort?.postMessage({ id, error: error instanceof Error ? error.message : String(error) })
  }
})
