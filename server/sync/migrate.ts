import { createTLSchema } from '@tldraw/tlschema'
import * as Y from 'yjs'
import { migrateRoomDoc } from '../../lib/room-doc'
import { seedInterview } from '../../lib/room-doc/interview'

const schema = createTLSchema()

/**
 * Brings a loaded room up to this server's tldraw schema and room layout. Returns the update the migration
 * made (to be stored), or null when the room was already current.
 */
export function migrateStoredRoomDoc(doc: Y.Doc): Uint8Array | null {
  const updates: Uint8Array[] = []
  const collect = (update: Uint8Array) => updates.push(update)
  doc.on('update', collect)
  try {
    migrateRoomDoc(doc, schema)
    // Rooms created before the interview layout get its defaults; a no-op for newer rooms.
    seedInterview(doc)
  } finally {
    doc.off('update', collect)
  }
  return updates.length > 0 ? Y.mergeUpdates(updates) : null
}
