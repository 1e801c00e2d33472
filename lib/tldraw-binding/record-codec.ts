import type { UnknownRecord } from '@tldraw/store'
import type { TLRecord } from '@tldraw/tlschema'
import * as Y from 'yjs'
import { RecordField, type RoomRecords } from '../room-doc/layout'

/** Record types whose records always carry a `props` object, even an empty one. */
const typesWithProps = new Set(['shape', 'binding', 'asset'])

type JsonObject = { [key: string]: unknown }

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Deep equality of JSON values; key order does not matter. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]))
  }
  if (!isJsonObject(a) || !isJsonObject(b)) return false
  const keys = Object.keys(a)
  return (
    keys.length === Object.keys(b).length &&
    keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]))
  )
}

/** The Y.Map entries a record is stored as (see RecordField); undefined fields are left out. */
function encodeRecord(record: UnknownRecord): Map<string, unknown> {
  const { props, meta, ...rest } = record as UnknownRecord & { props?: unknown; meta?: unknown }
  const base: JsonObject = {}
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) base[key] = value
  const entries = new Map<string, unknown>([[RecordField.base, base]])
  if (isJsonObject(props)) {
    for (const [name, value] of Object.entries(props)) {
      if (value !== undefined) entries.set(RecordField.propPrefix + name, value)
    }
  }
  if (meta !== undefined) entries.set(RecordField.meta, meta)
  return entries
}

/**
 * Writes `record` into its Y.Map, setting only entries whose value differs from what the map
 * holds. With `previous` (the record before a local edit) only entries that edit changed are
 * candidates, so an entry a concurrent remote edit already changed in the map is not reverted.
 * Returns whether the map changed. Call inside a doc.transact.
 */
export function writeRecord(target: Y.Map<unknown>, record: UnknownRecord, previous?: UnknownRecord): boolean {
  const next = encodeRecord(record)
  const before = previous && encodeRecord(previous)
  let changed = false
  for (const [key, value] of next) {
    if (before?.has(key) && jsonEqual(before.get(key), value)) continue
    if (target.has(key) && jsonEqual(target.get(key), value)) continue
    target.set(key, value)
    changed = true
  }
  const removable = before ? [...before.keys()] : [...target.keys()]
  for (const key of removable) {
    if (!next.has(key) && target.has(key)) {
      target.delete(key)
      changed = true
    }
  }
  return changed
}

/** writeRecord into the record's entry of the room's records map, creating the entry if absent. */
export function writeRoomRecord(records: RoomRecords, record: UnknownRecord, previous?: UnknownRecord): boolean {
  const existing = records.get(record.id)
  if (existing instanceof Y.Map) return writeRecord(existing, record, previous)
  writeRecord(records.set(record.id, new Y.Map<unknown>()), record)
  return true
}

/**
 * Reads a record back from its Y.Map, or undefined when the map holds no `base` object.
 * The result is not validated: it is whatever JSON the document holds.
 */
export function readRecord<R extends UnknownRecord = TLRecord>(source: Y.Map<unknown>): R | undefined {
  const base = source.get(RecordField.base)
  if (!isJsonObject(base) || typeof base.id !== 'string' || typeof base.typeName !== 'string') return undefined
  const record: JsonObject = { ...base }
  let props: JsonObject | undefined = typesWithProps.has(base.typeName) ? {} : undefined
  for (const [key, value] of source.entries()) {
    if (!key.startsWith(RecordField.propPrefix)) continue
    props ??= {}
    props[key.slice(RecordField.propPrefix.length)] = value
  }
  if (props) record.props = props
  if (source.has(RecordField.meta)) record.meta = source.get(RecordField.meta)
  return record as unknown as R
}
