import * as Y from 'yjs'

/**
 * The layout of a room's shared Yjs document. docs/room-document.md describes it for
 * third-party clients; bump ROOM_DOC_VERSION whenever the layout changes.
 */
export const ROOM_DOC_VERSION = 2

/** Top-level shared types of the room document. */
export const RoomDocKey = {
  /** Y.Map: room metadata and versions (see RoomMetaKey). */
  meta: 'meta',
  /** Y.Map<Y.Map>: one entry per tldraw document record, keyed by record id. */
  records: 'tldraw',
} as const

export const RoomMetaKey = {
  docVersion: 'docVersion',
  title: 'title',
  problem: 'problem',
  createdAt: 'createdAt',
  /** tldraw's serialized schema (store.schema.serialize()) the records were written with. */
  tldrawSchema: 'tldrawSchema',
} as const

/**
 * Inside a record's Y.Map: `base` holds every top-level field but `props` and `meta` as one
 * value, each prop is its own `props.<name>` entry and `meta` is one value. Moving a shape
 * rewrites only `base`, recolouring only `props.color`, so the two merge; and a long drag
 * overwrites one key, whose deleted predecessors Yjs merges into one run.
 */
export const RecordField = {
  base: 'base',
  meta: 'meta',
  propPrefix: 'props.',
} as const

export type RoomRecords = Y.Map<Y.Map<unknown>>

export function getRoomRecords(doc: Y.Doc): RoomRecords {
  return doc.getMap(RoomDocKey.records) as RoomRecords
}

export function getRoomMeta(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(RoomDocKey.meta)
}

/**
 * The interviewer-only document of a room, `<roomId>/private` (private-notes.ts). The server lets
 * only an interviewer's connection open it, so nothing in it ever reaches anyone else.
 */
export const PRIVATE_DOC_SUFFIX = '/private'

export function privateDocName(roomId: string): string {
  return `${roomId}${PRIVATE_DOC_SUFFIX}`
}
