'use client'

import { useRoom } from '@/components/room/RoomContext'
import { moveItem, removeItem } from '@/lib/room-doc/interview'

/** Move up, move down and delete for one row of a scope list. */
export function ItemActions({ kind, id, label, first, last }: { kind: Parameters<typeof removeItem>[1]; id: string; label: string; first: boolean; last: boolean }) {
  const { doc, role } = useRoom()
  if (role === 'reviewer') return null
  return (
    <div className="item-actions">
      <button type="button" className="icon-button" aria-label={`Move ${label} up`} disabled={first} onClick={() => moveItem(doc, kind, id, -1)}>↑</button>
      <button type="button" className="icon-button" aria-label={`Move ${label} down`} disabled={last} onClick={() => moveItem(doc, kind, id, 1)}>↓</button>
      <button type="button" className="icon-button icon-button--danger" aria-label={`Delete ${label}`} onClick={() => removeItem(doc, kind, id)}>×</button>
    </div>
  )
}
