'use client'

import dynamic from 'next/dynamic'
import { useState } from 'react'
import { readLocalName } from '@/lib/people/local-name'
import { tokenFromHash } from './access-request'
import { NamePrompt } from './NamePrompt'
import { LoadingScreen, MessageScreen } from './screens'
import { useRoomAccess } from './useRoomAccess'
import { describeCloseCode, useRoomConnection } from './useRoomConnection'

// The workspace (tldraw and the canvas) is most of the page's code. It is requested as soon as
// this module runs, before the link check has answered, so the link check and the room's sync
// run while it downloads and compiles, instead of before it (RoomLoader.tsx).
const loadWorkspace = () => import('./RoomWorkspace').then((module) => module.RoomWorkspace)
if (typeof window !== 'undefined') void loadWorkspace()
const RoomWorkspace = dynamic(loadWorkspace, { ssr: false, loading: () => <LoadingScreen label="Loading the board…" /> })

/** Checks the link and opens the room's document at once, asks for a name once, then shows the room. */
export default function RoomApp({ roomId }: { roomId: string }) {
  const [token] = useState(tokenFromHash)
  const [name, setName] = useState(readLocalName)
  const access = useRoomAccess(roomId, token)
  // Not for a link the server refused: that page only says so.
  const connection = useRoomConnection(roomId, access.kind === 'refused' ? null : token)

  if (!token) {
    return (
      <MessageScreen title="This link is incomplete">
        Room links end with <code>#token=…</code>. Copy the whole link from the invitation and open it again.
      </MessageScreen>
    )
  }
  if (access.kind === 'loading') return <LoadingScreen label="Checking your link…" />
  if (access.kind === 'refused') {
    if (access.status === 404) return <MessageScreen title="Room not found">The link may be mistyped, or the room no longer exists.</MessageScreen>
    if (access.status === 401 || access.status === 403) {
      return <MessageScreen title="This link does not open this room">It may have been replaced by a newer link. Ask the interviewer to send it again.</MessageScreen>
    }
    return (
      <MessageScreen title="Cannot reach the server" actions={<button className="button button--primary" onClick={() => window.location.reload()}>Try again</button>}>
        Check your connection. Rooms you opened before on this device open offline.
      </MessageScreen>
    )
  }
  if (!name) return <NamePrompt role={access.info.role} onDone={setName} />
  // Here, where the connection is opened: the message does not wait for the workspace's code,
  // and that code needs none of the connection's.
  if (connection?.state.kind === 'closed') {
    const message = describeCloseCode(connection.state.code, connection.state.reason)
    return <MessageScreen title={message.title}>{message.detail}</MessageScreen>
  }
  return <RoomWorkspace roomId={roomId} token={token} access={access.info} name={name} connection={connection} />
}
