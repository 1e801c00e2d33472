import { toRichText, type TLGeoShape, type TLRecord } from '@tldraw/tlschema'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { getRoomRecords } from '../room-doc/layout'
import { batchesOf, bindStoreToDoc } from './binding'
import { readRecord } from './record-codec'
import {
  createPeer,
  deliver,
  documentRecords,
  geoShape,
  NETWORK,
  type Peer,
  seededPageId,
  seededRandom,
  seededRoomUpdate,
  shuffled,
} from './testing'

const peers: Peer[] = []
afterEach(() => peers.splice(0).forEach((peer) => peer.binding.dispose()))

/** `initial` null: a doc that has not synced yet. */
function peer(clientID: number, initial: Uint8Array | null = seededRoomUpdate()): Peer {
  const created = createPeer(clientID, initial ?? undefined)
  peers.push(created)
  return created
}

/** Two peers of one seeded room, both holding `shapes`, with empty outboxes. */
function syncedPair(...shapes: TLGeoShape[]): [Peer, Peer] {
  const room = seededRoomUpdate()
  const a = peer(1, room)
  const b = peer(2, room)
  a.store.put(shapes)
  deliver(a, b)
  a.outbox.length = 0
  return [a, b]
}

function exchange(a: Peer, b: Peer) {
  deliver(a, b)
  deliver(b, a)
}

function docRecords(peer: Peer): TLRecord[] {
  return [...getRoomRecords(peer.doc).values()]
    .map((entry) => readRecord(entry))
    .filter((record) => record !== undefined)
    .sort((a, b) => a.id.localeCompare(b.id))
}

function shapeOf(peer: Peer, shape: TLGeoShape): TLGeoShape {
  return peer.store.get(shape.id) as TLGeoShape
}

function updateShape(peer: Peer, shape: TLGeoShape, change: (current: TLGeoShape) => TLGeoShape) {
  peer.store.update(shape.id, (current) => change(current as TLGeoShape))
}

describe('bindStoreToDoc', () => {
  it('loads the seeded room into the store on bind', () => {
    const a = peer(1)
    expect(documentRecords(a.store).map((record) => record.id)).toEqual(['document:document', 'page:page'])
  })

  it('replaces local-only document records with the doc once it fills after bind', () => {
    const a = peer(1, null)
    const local = geoShape('made-before-bind')
    a.binding.dispose()
    a.store.put([local])
    a.binding = bindStoreToDoc(a.store, a.doc)
    expect(a.store.has(local.id)).toBe(true) // an empty doc has not synced: the store is left alone

    Y.applyUpdate(a.doc, seededRoomUpdate(), NETWORK)
    expect(documentRecords(a.store).map((record) => record.id)).toEqual(['document:document', 'page:page'])
  })

  it('brings remote records into the store when the doc is filled later', () => {
    const a = peer(1)
    const b = peer(2, null)
    a.store.put([geoShape('box')])
    expect(documentRecords(b.store)).toEqual([])
    Y.applyUpdate(b.doc, Y.encodeStateAsUpdate(a.doc), NETWORK)
    expect(documentRecords(b.store)).toEqual(documentRecords(a.store))
    a.outbox.length = 0
    a.store.put([geoShape('later')])
    deliver(a, b)
    expect(documentRecords(b.store)).toEqual(documentRecords(a.store))
    expect(b.outbox).toEqual([])
  })

  it('keeps both a move and a concurrent recolour of one shape', () => {
    const box = geoShape('box')
    const [a, b] = syncedPair(box)
    updateShape(a, box, (s) => ({ ...s, x: 300, y: 120 }))
    updateShape(b, box, (s) => ({ ...s, props: { ...s.props, color: 'red' } }))
    exchange(a, b)
    for (const side of [a, b]) expect(shapeOf(side, box)).toMatchObject({ x: 300, y: 120, props: { color: 'red' } })
  })

  it('keeps both a move and a concurrent label edit of one shape', () => {
    const box = geoShape('box')
    const [a, b] = syncedPair(box)
    updateShape(a, box, (s) => ({ ...s, x: -40, y: 15 }))
    updateShape(b, box, (s) => ({ ...s, props: { ...s.props, richText: toRichText('Load balancer') } }))
    exchange(a, b)
    for (const side of [a, b]) {
      expect(shapeOf(side, box)).toMatchObject({ x: -40, y: 15, props: { richText: toRichText('Load balancer') } })
    }
  })

  it('applies remote changes without echoing them to the doc or marking them as user changes', () => {
    const box = geoShape('box')
    const [a, b] = syncedPair(box)
    const sources: string[] = []
    b.store.listen(({ source }) => sources.push(source), { scope: 'document' })
    updateShape(a, box, (s) => ({ ...s, x: 10, props: { ...s.props, color: 'blue' } }))
    a.store.put([geoShape('second')])
    a.store.remove([box.id])
    deliver(a, b)
    expect(sources.length).toBeGreaterThan(0)
    expect(sources.every((source) => source === 'remote')).toBe(true)
    expect(b.outbox).toEqual([])
    expect(documentRecords(b.store)).toEqual(documentRecords(a.store))
  })

  it('writes one doc transaction per store change', () => {
    const [a] = syncedPair()
    a.store.put([geoShape('one'), geoShape('two'), geoShape('three')])
    expect(a.outbox).toHaveLength(1)
  })

  it('ignores remote records the schema rejects', () => {
    const [a, b] = syncedPair()
    const records = getRoomRecords(a.doc)
    a.doc.transact(() => {
      const entry = records.set('shape:bad', new Y.Map<unknown>())
      entry.set('base', { ...geoShape('bad'), props: undefined, meta: undefined })
      entry.set('props.color', 'not-a-colour')
    })
    a.store.put([geoShape('good')])
    expect(() => deliver(a, b)).not.toThrow()
    expect(b.store.has(geoShape('good').id)).toBe(true)
    expect(b.store.has('shape:bad' as TLGeoShape['id'])).toBe(false)
  })

  it('stops syncing after dispose', () => {
    const box = geoShape('box')
    const [a, b] = syncedPair(box)
    b.binding.dispose()
    updateShape(a, box, (s) => ({ ...s, x: 1 }))
    deliver(a, b)
    updateShape(b, box, (s) => ({ ...s, y: 2 }))
    expect(shapeOf(b, box).x).toBe(0)
    expect(b.outbox).toEqual([])
  })

  // Seeds 1..25 ran clean when written; keep any seed that ever fails as its own named case.
  it.each(Array.from({ length: 25 }, (_, i) => i + 1))('converges under random edits and delivery order (seed %i)', (seed) => {
    const random = seededRandom(seed)
    const [a, b] = syncedPair(geoShape('shared'))
    const pick = <T,>(items: readonly T[]): T | undefined => items[Math.floor(random() * items.length)]
    const colours = ['red', 'blue', 'green', 'black'] as const
    let created = 0
    for (let step = 0; step < 150; step++) {
      const side = random() < 0.5 ? a : b
      const shapes = documentRecords(side.store).filter((r): r is TLGeoShape => r.typeName === 'shape')
      const shape = pick(shapes)
      const roll = random()
      if (!shape || roll < 0.15) {
        side.store.put([geoShape(`s${side.doc.clientID}-${created++}`, { x: Math.round(random() * 500) })])
      } else if (roll < 0.45) {
        updateShape(side, shape, (s) => ({ ...s, x: s.x + 7, y: s.y - 3 }))
      } else if (roll < 0.6) {
        updateShape(side, shape, (s) => ({ ...s, props: { ...s.props, color: pick(colours) ?? 'black' } }))
      } else if (roll < 0.72) {
        updateShape(side, shape, (s) => ({ ...s, props: { ...s.props, richText: toRichText(`step ${step}`) } }))
      } else if (roll < 0.85) {
        updateShape(side, shape, (s) => ({ ...s, x: s.x - 1, props: { ...s.props, w: s.props.w + 2, h: s.props.h + 1 } }))
      } else if (roll < 0.92) {
        side.store.remove([shape.id])
      } else {
        const [from, to] = random() < 0.5 ? [a, b] : [b, a]
        const count = Math.floor(random() * (from.outbox.length + 1))
        for (const update of shuffled(from.outbox.splice(0, count), random)) Y.applyUpdate(to.doc, update, NETWORK)
      }
    }
    const order = (updates: Uint8Array[]) => shuffled(updates, random)
    deliver(a, b, order)
    deliver(b, a, order)
    deliver(a, b, order)

    expect(documentRecords(a.store)).toEqual(documentRecords(b.store))
    expect(docRecords(a)).toEqual(documentRecords(a.store))
    expect(Y.encodeStateVector(a.doc)).toEqual(Y.encodeStateVector(b.doc))
    expect(getRoomRecords(a.doc).toJSON()).toEqual(getRoomRecords(b.doc).toJSON())
  })
})

describe('a long drag', () => {
  it('keeps the encoded doc size bounded', () => {
    const box = geoShape('box')
    const [a] = syncedPair(box)
    const size = () => Y.encodeStateAsUpdate(a.doc).length
    const before = size()
    for (let i = 1; i <= 2000; i++) updateShape(a, box, (s) => ({ ...s, x: s.x + 1, y: s.y + 0.5 }))
    const afterMoves = size()
    for (let i = 1; i <= 2000; i++) {
      updateShape(a, box, (s) => ({ ...s, x: s.x - 1, y: s.y - 1, props: { ...s.props, w: s.props.w + 1, h: s.props.h + 1 } }))
    }
    const afterResize = size()
    console.info(`drag sizes: before=${before} afterMoves=${afterMoves} afterResize=${afterResize}`)
    expect(shapeOf(a, box)).toMatchObject({ x: 0, y: -1000, props: { w: 2100, h: 2100 } })
    expect(afterMoves - before).toBeLessThan(200)
    expect(afterResize - afterMoves).toBeLessThan(2000 * 20)
  })
})

describe('a large paste or import', () => {
  it('goes out as several updates of about 1 MiB, parents before children, and arrives whole', () => {
    const [a, b] = syncedPair()
    const frame = { ...geoShape('frame'), type: 'frame', props: { w: 4000, h: 4000, name: 'Big', color: 'black' } } as unknown as TLRecord
    const label = 'x'.repeat(400)
    const shapes = Array.from({ length: 6000 }, (_, i) =>
      geoShape(`pasted-${i}`, { parentId: (i % 2 === 0 ? frame.id : seededPageId) as TLGeoShape['parentId'], x: i, props: { richText: toRichText(label) } as TLGeoShape['props'] }),
    )
    // Children listed first, as a paste may list them.
    a.store.put([...shapes, frame])
    expect(a.outbox.length).toBeGreaterThan(3)
    for (const update of a.outbox) expect(update.byteLength).toBeLessThan(2 * 1024 * 1024)
    // Delivered one update at a time, the frame is in before any of its children.
    const arrived: string[] = []
    b.store.listen(({ changes }) => arrived.push(...Object.keys(changes.added)), { source: 'remote' })
    deliver(a, b)
    const framePosition = arrived.indexOf(frame.id)
    expect(framePosition).toBeGreaterThanOrEqual(0)
    expect(arrived.indexOf(shapes[0]!.id)).toBeGreaterThan(framePosition)
    expect(documentRecords(b.store)).toEqual(documentRecords(a.store))
    expect(documentRecords(b.store).filter((record) => record.typeName === 'shape')).toHaveLength(6001)
  })

  it('a small change stays one transaction', () => {
    expect(batchesOf([geoShape('one'), geoShape('two')])).toHaveLength(1)
  })
})
