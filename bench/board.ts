import * as Y from 'yjs'
import { getRoomRecords, RecordField } from '../lib/room-doc/layout'
import { benchGeoShape } from '../lib/perf/bench-board'
import { writeRoomRecord } from '../lib/tldraw-binding/record-codec'

/** A rectangle as tldraw 5 stores it (lib/perf/bench-board.ts, shared with the bare page). */
export const geoShape = benchGeoShape

export function addShape(doc: Y.Doc, n: number): string {
  const shape = geoShape(n)
  doc.transact(() => writeRoomRecord(getRoomRecords(doc), shape))
  return shape.id
}

/** Moves a shape the way a drag does: one rewrite of the record's `base`. */
export function moveShape(doc: Y.Doc, id: string, x: number, y: number, stamp?: { seq: number; t: number }): void {
  const entry = getRoomRecords(doc).get(id)
  if (!entry) throw new Error(`no shape ${id}`)
  const base = entry.get(RecordField.base) as Record<string, unknown>
  entry.set(RecordField.base, { ...base, x, y, ...(stamp ? { benchSeq: stamp.seq, benchT: stamp.t } : {}) })
}

/** One update holding a board of `shapes` rectangles (no seed records: it merges into a room). */
export function boardUpdate(shapes: number): Uint8Array {
  const doc = new Y.Doc()
  doc.transact(() => {
    for (let n = 0; n < shapes; n++) writeRoomRecord(getRoomRecords(doc), geoShape(n))
  })
  const update = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return update
}

/** mulberry32, so every run builds the same history. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * A board's edit history as a client would have sent it: one update per created shape,
 * then moves of random shapes until the log holds `updates` entries.
 */
export function boardHistory(shapes: number, updates: number): { updates: Uint8Array[]; state: Uint8Array } {
  const doc = new Y.Doc()
  const log: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => log.push(update))
  const ids: string[] = []
  for (let n = 0; n < shapes; n++) ids.push(addShape(doc, n))
  const random = seededRandom(42)
  while (log.length < updates) {
    const id = ids[Math.floor(random() * ids.length)]
    if (id) moveShape(doc, id, Math.round(random() * 12_000), Math.round(random() * 6_000))
  }
  const state = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return { updates: log, state }
}

export function countShapes(doc: Y.Doc): number {
  let shapes = 0
  for (const id of getRoomRecords(doc).keys()) if (id.startsWith('shape:')) shapes++
  return shapes
}
