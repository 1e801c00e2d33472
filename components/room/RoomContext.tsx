'use client'

import { createContext, useContext, useEffect, useState } from 'react'
import type { Editor } from 'tldraw'
import type { Awareness } from 'y-protocols/awareness'
import type * as Y from 'yjs'
import type { Participant } from '@/lib/presence/presence'
import type { ServerClock } from '@/lib/session'
import type { Role } from '@/lib/sync/protocol'

export interface RoomContextValue {
  doc: Y.Doc
  awareness: Awareness
  clock: ServerClock
  user: Omit<Participant, 'clientId'>
  role: Role
  /** The canvas editor, once it has mounted (e.g. to drop a note on the board). */
  editor: Editor | null
  /** The interviewer's private notes document; null for other roles. */
  privateNotes: Y.Doc | null
}

const RoomContext = createContext<RoomContextValue | null>(null)
export const RoomContextProvider = RoomContext.Provider

export function useRoom(): RoomContextValue {
  const room = useContext(RoomContext)
  if (!room) throw new Error('useRoom needs a RoomContextProvider')
  return room
}

/** Re-reads a value from the room document whenever the document changes. */
export function useDocValue<T>(read: (doc: Y.Doc) => T): T {
  return useValueOf(useRoom().doc, read)
}

/** Re-reads a value from any Yjs document (e.g. the private notes) whenever it changes. */
export function useValueOf<T>(doc: Y.Doc, read: (doc: Y.Doc) => T): T {
  const [value, setValue] = useState(() => read(doc))
  useEffect(() => {
    const update = () => setValue(read(doc))
    doc.on('update', update)
    update()
    return () => doc.off('update', update)
    // `read` is expected to be a module-level function or stable callback.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [doc])
  return value
}

/** A re-render every `intervalMs`, for clocks. */
export function useTick(intervalMs: number): number {
  const [tick, setTick] = useState(0)
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), intervalMs)
    return () => clearInterval(timer)
  }, [intervalMs])
  return tick
}
