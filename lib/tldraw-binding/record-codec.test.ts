import { toRichText, type TLRecord } from '@tldraw/tlschema'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { getRoomRecords } from '../room-doc/layout'
import { readRecord, writeRecord, writeRoomRecord } from './record-codec'
import { geoShape } from './testing'

function storedShape(shape = geoShape('box')) {
  const doc = new Y.Doc()
  const records = getRoomRecords(doc)
  doc.transact(() => writeRoomRecord(records, shape))
  const entry = records.get(shape.id)
  if (!entry) throw new Error('not written')
  return { doc, entry }
}

/** The entry keys a write touched, read from the Yjs transaction. */
function keysWritten(doc: Y.Doc, entry: Y.Map<unknown>, write: () => void): string[] {
  let keys: string[] = []
  const observe = (event: Y.YMapEvent<unknown>) => (keys = [...event.keysChanged].sort())
  entry.observe(observe)
  doc.transact(write)
  entry.unobserve(observe)
  return keys
}

describe('record codec', () => {
  it('stores base, one entry per prop and meta, as plain JSON', () => {
    const { entry } = storedShape(geoShape('box', { x: 5, meta: { owner: 'ann' } }))
    expect([...entry.keys()].filter((key) => !key.startsWith('props.')).sort()).toEqual(['base', 'meta'])
    expect(entry.get('base')).toEqual({
      id: 'shape:box', typeName: 'shape', type: 'geo', x: 5, y: 0, rotation: 0, index: 'a1',
      parentId: 'page:page', isLocked: false, opacity: 1,
    })
    expect(entry.get('props.color')).toBe('black')
    expect(entry.get('meta')).toEqual({ owner: 'ann' })
    for (const value of entry.values()) expect(value).not.toBeInstanceOf(Y.AbstractType)
  })

  it('reads back the record it wrote', () => {
    const shape = geoShape('box', { x: 3, props: { ...geoShape('box').props, richText: toRichText('API') } })
    expect(readRecord(storedShape(shape).entry)).toEqual(shape)
  })

  it('reads an empty props object for shapes without props and none for pages', () => {
    const doc = new Y.Doc()
    const records = getRoomRecords(doc)
    const group = { ...geoShape('g'), type: 'group', props: {} } as unknown as TLRecord
    const page = { id: 'page:p2', typeName: 'page', name: 'Two', index: 'a2', meta: {} } as unknown as TLRecord
    doc.transact(() => [group, page].forEach((record) => writeRoomRecord(records, record)))
    expect(readRecord(records.get(group.id)!)).toEqual(group)
    expect(readRecord(records.get(page.id)!)).toEqual(page)
  })

  it.each([
    ['a move rewrites only base', { x: 40, y: 70 }, {}, ['base']],
    ['a recolour rewrites only props.color', {}, { color: 'red' }, ['props.color']],
    ['a resize rewrites base, props.w and props.h', { x: 1 }, { w: 5, h: 6 }, ['base', 'props.h', 'props.w']],
    ['an unchanged record rewrites nothing', {}, {}, []],
  ] as const)('%s', (_name, base, props, expected) => {
    const before = geoShape('box')
    const after = { ...before, ...base, props: { ...before.props, ...props } }
    const { doc, entry } = storedShape(before)
    expect(keysWritten(doc, entry, () => writeRecord(entry, after, before))).toEqual(expected)
    expect(readRecord(entry)).toEqual(after)
  })

  it('deletes the entry of a prop that disappeared', () => {
    const before = geoShape('box')
    const { url: _url, ...props } = before.props
    const { doc, entry } = storedShape(before)
    expect(keysWritten(doc, entry, () => writeRecord(entry, { ...before, props } as never, before))).toEqual(['props.url'])
    expect(entry.has('props.url')).toBe(false)
  })

  it('does not revert a field the local edit did not change', () => {
    const before = geoShape('box')
    const { doc, entry } = storedShape(before)
    doc.transact(() => entry.set('props.color', 'red')) // a remote recolour already in the doc
    const moved = { ...before, x: 99 }
    writeRecord(entry, moved, before)
    expect(readRecord(entry)).toMatchObject({ x: 99, props: { color: 'red' } })
  })
})
