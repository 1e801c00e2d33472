// The compaction worker (see compactor.ts): folds a room's changes into its encoding off the
// server's event loop.
import { parentPort } from 'node:worker_threads'
import { foldEncoding } from './fold-encoding.mjs'

parentPort?.on('message', ({ id, name, base, changes }) => {
  try {
    const encoded = foldEncoding(name, base, changes)
    parentPort?.postMessage({ id, encoded }, [encoded.buffer])
  } catch (error) {
    parentPort?.postMessage({ id, error: error instanceof Error ? error.message : String(error) })
  }
})
