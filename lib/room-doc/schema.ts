import type { SerializedSchemaV2, SerializedStore, StoreSchema, UnknownRecord } from '@tldraw/store'
import type * as Y from 'yjs'
import { readRecord, writeRoomRecord } from '../tldraw-binding'
import { getRoomMeta, getRoomRecords, RoomMetaKey } from './layout'

/**
 * How a room's stored tldraw schema relates to a client's or server's own:
 * - compatible: records can be used as they are;
 * - client-outdated: written by a newer tldraw (or unreadable): this code must be updated;
 * - needs-migration: written by an older tldraw: the server migrates it on load.
 */
export type RoomSchemaStatus = 'compatible' | 'client-outdated' | 'needs-migration'

export type RoomMigration =
  | { status: 'compatible' }
  | { status: 'client-outdated' }
  | { status: 'migrated'; rewrittenRecords: number }

type StoredSchema = { status: 'absent' } | { status: 'unreadable' } | { status: 'ok'; schema: SerializedSchemaV2 }

function readStoredSchema(doc: Y.Doc): StoredSchema {
  const stored = getRoomMeta(doc).get(RoomMetaKey.tldrawSchema)
  if (stored === undefined) return { status: 'absent' }
  if (typeof stored !== 'object' || stored === null) return { status: 'unreadable' }
  const { schemaVersion, sequences } = stored as { schemaVersion?: unknown; sequences?: unknown }
  if (schemaVersion !== 2 || typeof sequences !== 'object' || sequences === null) return { status: 'unreadable' }
  if (!Object.values(sequences).every((version) => typeof version === 'number' && Number.isInteger(version) && version >= 0)) {
    return { status: 'unreadable' }
  }
  return { status: 'ok', schema: stored as SerializedSchemaV2 }
}

/** A doc without a stored schema has not been seeded or synced yet: nothing to disagree with. */
export function checkRoomSchema<R extends UnknownRecord, P>(doc: Y.Doc, schema: StoreSchema<R, P>): RoomSchemaStatus {
  return assessRoomSchema(doc, schema).status
}

function assessRoomSchema<R extends UnknownRecord, P>(
  doc: Y.Doc,
  schema: StoreSchema<R, P>,
): { status: Exclude<RoomSchemaStatus, 'needs-migration'> } | { status: 'needs-migration'; stored: SerializedSchemaV2 } {
  const stored = readStoredSchema(doc)
  if (stored.status === 'absent') return { status: 'compatible' }
  if (stored.status === 'unreadable') return { status: 'client-outdated' }
  const own = schema.serialize().sequences
  const newer = Object.entries(stored.schema.sequences).some(([id, version]) => {
    const ownVersion = own[id]
    return ownVersion === undefined || version > ownVersion
  })
  if (newer) return { status: 'client-outdated' }
  const migrations = schema.getMigrationsSince(stored.schema)
  if (!migrations.ok) return { status: 'client-outdated' }
  return migrations.value.length > 0 ? { status: 'needs-migration', stored: stored.schema } : { status: 'compatible' }
}

/**
 * Brings a room written by an older tldraw up to `schema` with tldraw's own migrations, in
 * one transaction that rewrites only the entries that changed, plus the stored schema.
 * Throws, writing nothing, when a migration fails.
 */
export function migrateRoomDoc<R extends UnknownRecord, P>(doc: Y.Doc, schema: StoreSchema<R, P>): RoomMigration {
  const assessment = assessRoomSchema(doc, schema)
  if (assessment.status !== 'needs-migration') return { status: assessment.status }

  const records = getRoomRecords(doc)
  const originals = new Map<string, R>()
  for (const [id, entry] of records.entries()) {
    const record = readRecord<R>(entry)
    if (record?.id === id) originals.set(id, record)
  }
  const result = schema.migrateStoreSnapshot({
    schema: assessment.stored,
    store: Object.fromEntries(originals) as SerializedStore<R>,
  })
  if (result.type === 'error') throw new Error(`room migration failed: ${result.reason}`)

  let rewrittenRecords = 0
  doc.transact(() => {
    for (const [id, migrated] of Object.entries(result.value) as Array<[string, R]>) {
      if (writeRoomRecord(records, migrated, originals.get(id))) rewrittenRecords++
    }
    for (const id of originals.keys()) {
      if (!Object.hasOwn(result.value, id)) {
        records.delete(id)
        rewrittenRecords++
      }
    }
    getRoomMeta(doc).set(RoomMetaKey.tldrawSchema, schema.serialize())
  })
  return { status: 'migrated', rewrittenRecords }
}
