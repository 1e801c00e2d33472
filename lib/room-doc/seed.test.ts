import { createTLSchema, TLDOCUMENT_ID } from '@tldraw/tlschema'
import { createTLStore } from 'tldraw'
import { expect, it } from 'vitest'
import * as Y from 'yjs'
import { bindStoreToDoc } from '../tldraw-binding'
import { checkRoomSchema, getRoomMeta, getRoomRecords, ROOM_DOC_VERSION, RoomMetaKey, seedRoomDoc } from '.'

function seededDoc() {
  const doc = new Y.Doc()
  seedRoomDoc(doc, { title: 'Chat app', problem: 'Design WhatsApp', createdAt: 1_700_000_000_000 })
  return doc
}

it('writes the room metadata and the tldraw schema it seeded with', () => {
  const meta = getRoomMeta(seededDoc()).toJSON()
  expect(meta).toEqual({
    [RoomMetaKey.docVersion]: ROOM_DOC_VERSION,
    [RoomMetaKey.title]: 'Chat app',
    [RoomMetaKey.problem]: 'Design WhatsApp',
    [RoomMetaKey.createdAt]: 1_700_000_000_000,
    [RoomMetaKey.tldrawSchema]: createTLSchema().serialize(),
  })
})

it('seeds a doc a bound tldraw store loads as a usable document with one page', () => {
  const doc = seededDoc()
  const store = createTLStore()
  expect(checkRoomSchema(doc, store.schema)).toBe('compatible')
  const writes: unknown[] = []
  doc.on('update', (update: Uint8Array) => writes.push(update))
  const binding = bindStoreToDoc(store, doc)

  expect(store.get(TLDOCUMENT_ID)).toMatchObject({ typeName: 'document' })
  expect(store.query.records('page').get()).toMatchObject([{ name: 'Page 1' }])
  expect(writes).toEqual([]) // nothing was missing that tldraw had to add
  expect([...getRoomRecords(doc).keys()].sort()).toEqual([TLDOCUMENT_ID, 'page:page'])
  binding.dispose()
})
