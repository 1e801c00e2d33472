'use client'

import { useEffect, useState } from 'react'
import { IndexeddbPersistence } from 'y-indexeddb'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { privateDocName } from '@/lib/room-doc/layout'

/** The interviewer's private document; null for everyone else (the server refuses them). */
export function usePrivateNotes(roomId: string, token: string, enabled: boolean): Y.Doc | null {
  const [doc, setDoc] = useState<Y.Doc | null>(null)
  useEffect(() => {
    if (!enabled) return
    const privateDoc = new Y.Doc()
    const name = privateDocName(roomId)
    const local = new IndexeddbPersistence(`boxes:${name}`, privateDoc)
    const { protocol, host } = window.location
    const provider = new WebsocketProvider(`${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}/sync`, name, privateDoc, { params: { token }, disableBc: true })
    setDoc(privateDoc)
    return () => {
      setDoc(null)
      provider.destroy()
      void local.destroy()
      privateDoc.destroy()
    }
  }, [roomId, token, enabled])
  return doc
}
