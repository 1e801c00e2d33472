import type { HistoryEntry } from '@tldraw/store'
import type { TLRecord, TLStore } from '@tldraw/tlschema'
import * as Y from 'yjs'
import { getRoomRecords } from '../room-doc/layout'
import { readRecord, writeRecord, writeRoomRecord } from './record-codec'

/** A live two-way link between a tldraw store and a room document. */
export type StoreDocBinding = { dispose(): void }

/**
 * Keeps `store` and `doc` in step. The doc is authoritative: what it holds replaces the
 * store's document records once it has any, local user edits are written to it in one
 * transaction per store change, and remote doc edits reach the store as remote changes, so
 * they never echo back and never enter tldraw's undo stack.
 */
export function bindStoreToDoc(store: TLStore, doc: Y.Doc): StoreDocBinding {
  const records = getRoomRecords(doc)
  const origin = { binding: 'tldraw-store' }
  let loaded = false

  const writeUserChanges = ({ changes }: HistoryEntry<TLRecord>) => {
    // Before the room has loaded, the store's only records are tldraw's defaults: keep them
    // out of the room, whose own document and page replace them on load.
    if (!loaded) return
    const [first = [], ...rest] = batchesOf(Object.values(changes.added))
    doc.transact(() => {
      for (const record of first) writeRoomRecord(records, record)
      for (const [from, to] of Object.values(changes.updated)) {
        // Absent means a remote peer deleted it concurrently: the delete wins.
        const target = records.get(to.id)
        if (target instanceof Y.Map) writeRecord(target, to, from)
      }
      for (const id of Object.keys(changes.removed)) records.delete(id)
    }, origin)
    // A large paste or import goes out as several updates, none near the server's frame limit.
    for (const batch of rest) {
      doc.transact(() => {
        for (const record of batch) writeRoomRecord(records, record)
      }, origin)
    }
  }

  const applyFromDoc = (ids: Iterable<string>, removeMissing: boolean) => {
    const puts: TLRecord[] = []
    const removals: TLRecord['id'][] = []
    for (const id of ids) {
      const stored = records.get(id)
      const before = store.get(id as TLRecord['id'])
      const record = stored instanceof Y.Map ? acceptRemoteRecord(store, id, stored, before) : undefined
      if (record) puts.push(record)
      // An entry that is there but unreadable for now (its newest value waits for an earlier
      // update) keeps the store's copy; only an entry gone from the doc removes the record.
      else if (before && !stored) removals.push(before.id)
    }
    if (removeMissing) {
      for (const record of store.allRecords()) {
        if (store.scopedTypes.document.has(record.typeName) && !records.has(record.id)) removals.push(record.id)
      }
    }
    if (puts.length === 0 && removals.length === 0) return
    store.mergeRemoteChanges(() => {
      store.remove(removals)
      store.put(puts)
    })
  }

  const loadAll = () => {
    // Not before the doc holds a readable document and page: with either missing, tldraw
    // would create its defaults as a user change, and they would overwrite the room's.
    if (!isUsableRoom(records)) return
    loaded = true
    applyFromDoc(records.keys(), true)
  }

  const onDocChange = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>, transaction: Y.Transaction) => {
    if (transaction.origin === origin) return
    // Local edits still waiting for the next frame must reach the doc before the doc's
    // version of those records overwrites them in the store.
    store._flushHistory()
    if (!loaded) return loadAll()
    const ids = new Set<string>()
    for (const event of events) {
      if (event.target === records) for (const id of event.changes.keys.keys()) ids.add(id)
      else if (typeof event.path[0] === 'string') ids.add(event.path[0])
    }
    applyFromDoc(ids, false)
  }

  const stopListening = store.listen(writeUserChanges, { source: 'user', scope: 'document' })
  records.observeDeep(onDocChange)
  loadAll()

  return {
    dispose() {
      stopListening()
      records.unobserveDeep(onDocChange)
    },
  }
}

/**
 * JSON bytes of added records past which one store change is written as several Yjs
 * transactions (each a separate update on the wire). The server's default frame limit is
 * 8 MiB; an encoded record is about as large as its JSON.
 */
export const LARGE_CHANGE_BYTES = 1024 * 1024

/**
 * Splits added records into batches of about LARGE_CHANGE_BYTES, in an order in which every
 * batch arrives after what it refers to: pages and assets first, then shapes parents before
 * children, then bindings (which join shapes). One batch when the change is small.
 */
export function batchesOf(added: TLRecord[], maxBytes = LARGE_CHANGE_BYTES): TLRecord[][] {
  const sizes = new Map(added.map((record) => [record, JSON.stringify(record).length]))
  let total = 0
  for (const size of sizes.values()) total += size
  if (total <= maxBytes) return [added]
  const byId = new Map(added.map((record) => [record.id as string, record]))
  const parentOf = (record: TLRecord) => ('parentId' in record ? byId.get(record.parentId as string) : undefined)
  // Bounded by the number of records, so a (corrupt) cycle of parents cannot loop forever.
  const depthOf = (record: TLRecord): number => {
    let depth = 0
    for (let parent = parentOf(record); parent && depth < added.length; parent = parentOf(parent)) depth += 1
    return depth
  }
  const rank = (record: TLRecord) => (record.typeName === 'shape' ? 1 : record.typeName === 'binding' ? 2 : 0)
  const ordered = added
    .map((record) => ({ record, rank: rank(record), depth: record.typeName === 'shape' ? depthOf(record) : 0 }))
    .sort((a, b) => a.rank - b.rank || a.depth - b.depth)
  const batches: TLRecord[][] = [[]]
  let bytes = 0
  for (const { record } of ordered) {
    const size = sizes.get(record) ?? 0
    if (bytes + size > maxBytes && batches.at(-1)!.length > 0) {
      batches.push([])
      bytes = 0
    }
    batches.at(-1)!.push(record)
    bytes += size
  }
  return batches
}

/** Whether the room's records include a readable document record and at least one page. */
export function isUsableRoom(records: Y.Map<Y.Map<unknown>>): boolean {
  let page = false
  let document = false
  for (const entry of records.values()) {
    if (!(entry instanceof Y.Map)) continue
    const record = readRecord(entry)
    if (record?.typeName === 'document') document = true
    else if (record?.typeName === 'page') page = true
    if (page && document) return true
  }
  return false
}

/** The one gate remote records pass before they reach the store: document scope, valid. */
function acceptRemoteRecord(
  store: TLStore,
  id: string,
  stored: Y.Map<unknown>,
  before: TLRecord | undefined,
): TLRecord | undefined {
  const record = readRecord(stored)
  if (!record || record.id !== id || !store.scopedTypes.document.has(record.typeName)) return undefined
  try {
    return store.schema.validateRecord(store, record, before ? 'updateRecord' : 'createRecord', before ?? null)
  } catch {
    return undefined
  }
}
