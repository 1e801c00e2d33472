'use client'

import { memo, useLayoutEffect, useState } from 'react'
import { createTLStore, Tldraw, type Editor, type TLStore } from 'tldraw'
import 'tldraw/tldraw.css'
import type { Awareness } from 'y-protocols/awareness'
import type * as Y from 'yjs'
import { checkRoomSchema } from '@/lib/room-doc'
import { bindPresence, type Participant } from '@/lib/presence/presence'
import { bindStoreToDoc } from '@/lib/tldraw-binding'
import { roomAssetStore } from './asset-store'
import { tldrawAssetUrls, tldrawOptions } from './tldraw-setup'

export type CanvasProblem = 'client-outdated'

/**
 * The tldraw editor, bound to the room document and to presence. Memoised: its props are
 * stable, and the room page's re-renders (connection status, participants) need not reach
 * tldraw's component tree.
 */
export const RoomCanvas = memo(function RoomCanvas({
  roomId,
  token,
  doc,
  awareness,
  user,
  readOnly,
  onEditor,
  onProblem,
}: {
  roomId: string
  token: string
  doc: Y.Doc
  awareness: Awareness
  user: Omit<Participant, 'clientId'>
  readOnly: boolean
  onEditor(editor: Editor | null): void
  onProblem(problem: CanvasProblem): void
}) {
  const [store, setStore] = useState<TLStore | null>(null)

  // A layout effect: the store is made and bound in the commit that mounts this component, and
  // tldraw mounts in the render that follows at once, without first waiting for a paint and the
  // passive effects (the bare tldraw page makes its store in its first render).
  useLayoutEffect(() => {
    const created = createTLStore({ assets: roomAssetStore(roomId, token) })
    if (checkRoomSchema(doc, created.schema) === 'client-outdated') {
      onProblem('client-outdated')
      return
    }
    const binding = bindStoreToDoc(created, doc)
    const presence = bindPresence(created, awareness, user)
    setStore(created)
    return () => {
      presence.dispose()
      binding.dispose()
      setStore(null)
    }
  }, [doc, awareness, user, onProblem, roomId, token])

  if (!store) return null
  return (
    <Tldraw
      store={store}
      assetUrls={tldrawAssetUrls}
      options={tldrawOptions}
      licenseKey={process.env.NEXT_PUBLIC_TLDRAW_LICENSE_KEY}
      onMount={(editor) => {
        editor.updateInstanceState({ isReadonly: readOnly })
        onEditor(editor)
        return () => onEditor(null)
      }}
    />
  )
})
