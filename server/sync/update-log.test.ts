import { expect, it } from 'vitest'
import * as Y from 'yjs'
import { UpdateLog } from './update-log'

it('L1: keeps every change, folded into fewer updates, and merging them gives the same document', () => {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  const log = new UpdateLog()
  doc.getMap('board').set('title', 'start')
  for (let i = 0; i < 300; i++) {
    doc.transact(() => {
      doc.getMap('board').set('stamp', { seq: i })
      doc.getText('notes').insert(0, String(i % 10))
    })
  }
  // A large update among small ones (a board uploaded at once).
  doc.getMap('board').set('big', 'x'.repeat(200_000))
  for (const update of updates) log.append(update)

  expect(log.count).toBeGreaterThan(0)
  // Every merge takes at least 12 changes, and fewer than 20 wait unmerged (batch sizes are random).
  expect(log.updates().length).toBeLessThanOrEqual(Math.floor(updates.length / 12) + 19)
  const rebuilt = new Y.Doc()
  Y.applyUpdate(rebuilt, Y.mergeUpdates(log.updates()))
  expect(Y.encodeStateVector(rebuilt)).toEqual(Y.encodeStateVector(doc))
  expect(rebuilt.getMap('board').toJSON()).toEqual(doc.getMap('board').toJSON())
  expect(rebuilt.getText('notes').toString()).toBe(doc.getText('notes').toString())

  log.clear()
  expect(log.count).toBe(0)
  expect(log.updates()).toEqual([])
})

it('L2: an update appended is copied, so reusing the bytes it was read from changes nothing', () => {
  const doc = new Y.Doc()
  const log = new UpdateLog()
  const frame = new Uint8Array(64 * 1024)
  doc.on('update', (update: Uint8Array) => {
    frame.set(update, 3)
    log.append(frame.subarray(3, 3 + update.byteLength))
  })
  doc.getMap('m').set('a', 1)
  frame.fill(0)
  const rebuilt = new Y.Doc()
  Y.applyUpdate(rebuilt, Y.mergeUpdates(log.updates()))
  expect(rebuilt.getMap('m').get('a')).toBe(1)
})
