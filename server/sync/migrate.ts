import type * as Y from 'yjs'
import { currentTLSchema, migrateRoomDoc } from '../../lib/room-doc'
import { seedInterview } from '../../lib/room-doc/interview'

/**
 * Brings a loaded room up to this server's tldraw schema and room layout, in one transaction;
 * changes nothing in a current room. The room stores and sends the change like any other.
 */
export function migrateStoredRoomDoc(doc: Y.Doc): void {
  doc.transact(() => {
    migrateRoomDoc(doc, currentTLSchema())
    // Rooms created before the interview layout get its defaults; a no-op for newer rooms.
    seedInterview(doc)
  })
}
