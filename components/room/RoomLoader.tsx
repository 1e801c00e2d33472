'use client'

import { useEffect, useState } from 'react'
import RoomApp from './RoomApp'
import { LoadingScreen } from './screens'

/**
 * The room needs the browser (IndexedDB, WebSocket, DOM measurement): nothing is rendered on
 * the server but a loading screen. RoomApp's own code comes with the page, so it opens the
 * room's document as soon as the page runs, while the workspace's (tldraw's) code loads.
 */
export function RoomLoader({ roomId }: { roomId: string }) {
  const [inBrowser, setInBrowser] = useState(false)
  useEffect(() => setInBrowser(true), [])
  return inBrowser ? <RoomApp roomId={roomId} /> : <LoadingScreen label="Opening the room…" />
}
