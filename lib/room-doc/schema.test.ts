import { createTLSchema, toRichText, type TLGeoShape } from '@tldraw/tlschema'
import { createTLStore } from 'tldraw'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { bindStoreToDoc, readRecord, writeRoomRecord } from '../tldraw-binding'
import { geoShape } from '../tldraw-binding/testing'
import { checkRoomSchema, getRoomMeta, getRoomRecords, migrateRoomDoc, RoomMetaKey, seedRoomDoc } from '.'

const schema = createTLSchema()
const current = schema.serialize()
const geoSequence = 'com.tldraw.shape.geo'

function docWithSchema(sequences: Record<string, number>) {
  const doc = new Y.Doc()
  seedRoomDoc(doc, { title: 't', problem: 'p', createdAt: 1 })
  getRoomMeta(doc).set(RoomMetaKey.tldrawSchema, { schemaVersion: 2, sequences: { ...current.sequences, ...sequences } })
  return doc
}

/** A geo shape as tldraw wrote it before rich text (geo version 9): a plain `text` prop. */
function docWithPreRichTextShape() {
  const doc = docWithSchema({ [geoSequence]: 9 })
  const { richText: _richText, ...props } = geoShape('old').props
  const old = { ...geoShape('old'), props: { ...props, text: 'Cache' } }
  doc.transact(() => writeRoomRecord(getRoomRecords(doc), old))
  return doc
}

function countUpdates(doc: Y.Doc, run: () => void): number {
  let updates = 0
  const count = () => updates++
  doc.on('update', count)
  run()
  doc.off('update', count)
  return updates
}

describe('checkRoomSchema', () => {
  it.each([
    ['the same schema', {}, 'compatible'],
    ['a newer version of one sequence', { [geoSequence]: (current.sequences[geoSequence] ?? 0) + 1 }, 'client-outdated'],
    ['a sequence this client does not know', { 'com.example.shape.sticker': 1 }, 'client-outdated'],
    ['an older version of one sequence', { [geoSequence]: 9 }, 'needs-migration'],
  ] as const)('%s is %s', (_name, sequences, expected) => {
    expect(checkRoomSchema(docWithSchema(sequences), schema)).toBe(expected)
  })

  it('agrees with the schema of a default tldraw client store', () => {
    expect(checkRoomSchema(docWithSchema({}), createTLStore().schema)).toBe('compatible')
  })

  it('treats an unreadable stored schema as written by a newer client', () => {
    const doc = docWithSchema({})
    getRoomMeta(doc).set(RoomMetaKey.tldrawSchema, { schemaVersion: 3, sequences: {} })
    expect(checkRoomSchema(doc, schema)).toBe('client-outdated')
  })
})

describe('migrateRoomDoc', () => {
  it('migrates old records with tldraw migrations, rewriting only what changed, in one transaction', () => {
    const doc = docWithPreRichTextShape()
    const touched = new Set<string>()
    getRoomRecords(doc).observeDeep((events) => events.forEach((e) => touched.add(String(e.path[0] ?? 'records'))))

    let result
    expect(countUpdates(doc, () => (result = migrateRoomDoc(doc, schema)))).toBe(1)

    expect(result).toEqual({ status: 'migrated', rewrittenRecords: 1 })
    expect([...touched]).toEqual(['shape:old'])
    const entry = getRoomRecords(doc).get('shape:old')!
    expect(entry.has('props.text')).toBe(false)
    expect(readRecord<TLGeoShape>(entry)?.props.richText).toEqual(toRichText('Cache'))
    expect(getRoomMeta(doc).get(RoomMetaKey.tldrawSchema)).toEqual(current)
    expect(checkRoomSchema(doc, schema)).toBe('compatible')
  })

  it('leaves a doc a client store can load', () => {
    const doc = docWithPreRichTextShape()
    migrateRoomDoc(doc, schema)
    const store = createTLStore()
    const binding = bindStoreToDoc(store, doc)
    expect(store.get(geoShape('old').id)).toMatchObject({ props: { richText: toRichText('Cache') } })
    binding.dispose()
  })

  it.each([
    ['current', {}, 'compatible'],
    ['newer', { [geoSequence]: 99 }, 'client-outdated'],
  ] as const)('does not touch a %s doc', (_name, sequences, status) => {
    const doc = docWithSchema(sequences)
    expect(countUpdates(doc, () => expect(migrateRoomDoc(doc, schema)).toEqual({ status }))).toBe(0)
  })
})
