import { createShapeId, PageRecordType, toRichText, type TLGeoShape, type TLRecord, type TLStore } from '@tldraw/tlschema'
import { createTLStore } from 'tldraw'
import * as Y from 'yjs'
import { seedRoomDoc } from '../room-doc'
import { bindStoreToDoc, type StoreDocBinding } from './binding'

/** Transaction origin of updates a test delivers from another peer. */
export const NETWORK = Symbol('network')

export const seededPageId = PageRecordType.createId('page')

export function geoShape(name: string, overrides: Partial<TLGeoShape> = {}): TLGeoShape {
  return {
    id: createShapeId(name),
    typeName: 'shape',
    type: 'geo',
    x: 0,
    y: 0,
    rotation: 0,
    index: 'a1' as TLGeoShape['index'],
    parentId: seededPageId,
    isLocked: false,
    opacity: 1,
    meta: {},
    ...overrides,
    props: {
      geo: 'rectangle',
      dash: 'draw',
      url: '',
      w: 100,
      h: 100,
      growY: 0,
      scale: 1,
      labelColor: 'black',
      color: 'black',
      fill: 'none',
      size: 'm',
      font: 'draw',
      align: 'middle',
      verticalAlign: 'middle',
      richText: toRichText(''),
      ...overrides.props,
    },
  }
}

export type Peer = { doc: Y.Doc; store: TLStore; binding: StoreDocBinding; outbox: Uint8Array[] }

/** A client: its own doc (starting from `initial`) with a bound store, collecting what it would send. */
export function createPeer(clientID: number, initial?: Uint8Array): Peer {
  const doc = new Y.Doc()
  doc.clientID = clientID
  if (initial) Y.applyUpdate(doc, initial, NETWORK)
  const outbox: Uint8Array[] = []
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== NETWORK) outbox.push(update)
  })
  const store = createTLStore()
  return { doc, store, binding: bindStoreToDoc(store, doc), outbox }
}

export function seededRoomUpdate(): Uint8Array {
  const doc = new Y.Doc()
  seedRoomDoc(doc, { title: 'URL shortener', problem: 'Design a URL shortener', createdAt: 1 })
  return Y.encodeStateAsUpdate(doc)
}

export function deliver(from: Peer, to: Peer, order: (updates: Uint8Array[]) => Uint8Array[] = (u) => u) {
  for (const update of order(from.outbox.splice(0))) Y.applyUpdate(to.doc, update, NETWORK)
}

export function documentRecords(store: TLStore): TLRecord[] {
  return store
    .allRecords()
    .filter((record) => store.scopedTypes.document.has(record.typeName))
    .sort((a, b) => a.id.localeCompare(b.id))
}

/** mulberry32: a tiny seeded PRNG, so a failing fuzz seed replays exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function shuffled<T>(items: T[], random: () => number): T[] {
  const copy = [...items]
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[copy[i], copy[j]] = [copy[j] as T, copy[i] as T]
  }
  return copy
}
