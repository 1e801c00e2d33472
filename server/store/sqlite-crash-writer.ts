// Test fixture for sqlite-store.test.ts: appends batches, reports each acknowledged seq, then dies by SIGKILL.
import { writeSync } from 'node:fs'
import { openSqliteStore } from './sqlite-store'

const [file, batchesArg] = process.argv.slice(2)
if (!file || !batchesArg) throw new Error('usage: sqlite-crash-writer.ts <file> <batches>')
const store = openSqliteStore(file)
await store.createRoom({ roomId: 'r1', createdAt: 0, linkGenerations: { interviewer: 1, candidate: 1, reviewer: 1 } }, new Uint8Array([0]))
for (let batch = 0; batch < Number(batchesArg); batch++) {
  const updates = [0, 1, 2].map((i) => ({ roomId: 'r1', at: batch, update: new Uint8Array([batch & 0xff, batch >> 8, i]) }))
  const seqs = await store.appendUpdates(updates)
  // Synchronous write, so the acknowledgement is out before anything else can happen.
  writeSync(1, `${JSON.stringify({ seqs, updates: updates.map((u) => [...u.update]) })}\n`)
}
process.kill(process.pid, 'SIGKILL')
