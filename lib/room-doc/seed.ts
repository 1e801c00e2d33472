import { createTLSchema, DocumentRecordType, PageRecordType, TLDOCUMENT_ID, type TLPage, type TLSchema } from '@tldraw/tlschema'
import type * as Y from 'yjs'
import { writeRoomRecord } from '../tldraw-binding'
import { getRoomMeta, getRoomRecords, ROOM_DOC_VERSION, RoomMetaKey } from './layout'

export type RoomSeed = { title: string; problem: string; createdAt: number }

let currentSchema: TLSchema | undefined

/** tldraw's schema as this build knows it, made once (making it takes ~2 ms). Server only. */
export function currentTLSchema(): TLSchema {
  return (currentSchema ??= createTLSchema())
}

/** Fills a new room's document: metadata, tldraw's document record and one page. Server only. */
export function seedRoomDoc(doc: Y.Doc, seed: RoomSeed, schema: TLSchema = currentTLSchema()): void {
  doc.transact(() => {
    const meta = getRoomMeta(doc)
    meta.set(RoomMetaKey.docVersion, ROOM_DOC_VERSION)
    meta.set(RoomMetaKey.title, seed.title)
    meta.set(RoomMetaKey.problem, seed.problem)
    meta.set(RoomMetaKey.createdAt, seed.createdAt)
    meta.set(RoomMetaKey.tldrawSchema, schema.serialize())
    const records = getRoomRecords(doc)
    writeRoomRecord(records, DocumentRecordType.create({ id: TLDOCUMENT_ID }))
    // The id and index tldraw gives its own default page, so a client that made one before
    // syncing holds the same record rather than a second page.
    writeRoomRecord(
      records,
      PageRecordType.create({ id: PageRecordType.createId('page'), name: 'Page 1', index: 'a1' as TLPage['index'] }),
    )
  })
}
