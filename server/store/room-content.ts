import * as Y from 'yjs'
import type { RoomContent } from './room-store'
import { serverDoc } from './server-doc'

/**
 * A room's document rebuilt from what the store holds (latest snapshot, then the updates
 * after it), and how many stored bytes went into it. `roomId` names the document.
 */
export function docFromContent(content: RoomContent, roomId = 'room'): { doc: Y.Doc; storedBytes: number } {
  const doc = serverDoc(roomId)
  let storedBytes = content.snapshot?.data.byteLength ?? 0
  Y.transact(doc, () => {
    if (content.snapshot) Y.applyUpdate(doc, content.snapshot.data)
    for (const { update } of content.updates) {
      Y.applyUpdate(doc, update)
      storedBytes += update.byteLength
    }
  })
  return { doc, storedBytes }
}
