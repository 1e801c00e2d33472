'use client'

import dynamic from 'next/dynamic'
import { useLayoutEffect } from 'react'
import { startAccessCheck, tokenFromHash } from './access-request'
import { LoadingScreen } from './screens'

// The room needs the browser (IndexedDB, WebSocket, DOM measurement): the server renders only
// a loading screen. The app (the link check and the room's sync, small) is requested as soon as
// this module runs, and it requests the workspace (tldraw and the canvas, most of the page's
// code) as soon as it runs. With the app in the page's own scripts, tldraw was requested only
// once those had downloaded and run, ~300 ms after the bare tldraw page requests it (scratch
// timeline of resource timings). Requested side by side from here, the workspace's chunks
// carried their own copies of what it shares with the app (y-indexeddb, a Buffer polyfill, the
// connection: ~43 KB of minified script in the build); requested by the app, they hold only
// what the app has not loaded. Editable room page / bare tldraw, empty room: 1.12x and 1.21x in
// two runs, unchanged within the noise (`npm run bench`).
const loadApp = () => import('./RoomApp')
if (typeof window !== 'undefined') void loadApp()
const RoomApp = dynamic(loadApp, { ssr: false, loading: () => <LoadingScreen label="Opening the room…" /> })

export function RoomLoader({ roomId }: { roomId: string }) {
  // The link check starts at hydration, while the room's code is still downloading. Started by
  // RoomApp instead, it waited behind the evaluation of tldraw's chunk (~400 ms here) in most
  // loads, and the workspace rendered only after it (scratch timeline with marks at each step).
  // A layout effect: it runs before RoomApp's effects (which take the answer) even when RoomApp's
  // code is already loaded and mounts in the same commit, as after a second in-app navigation.
  useLayoutEffect(() => {
    const token = tokenFromHash()
    if (token) startAccessCheck(roomId, token)
  }, [roomId])
  return <RoomApp roomId={roomId} />
}
