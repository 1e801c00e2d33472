'use client'

import dynamic from 'next/dynamic'
import { useLayoutEffect } from 'react'
import { startAccessCheck, tokenFromHash } from './access-request'
import { LoadingScreen } from './screens'

// The room needs the browser (IndexedDB, WebSocket, DOM measurement): the server renders only
// a loading screen. Both of the room's chunks are requested as soon as this module runs, side
// by side: the app (the link check and the room's sync, small) and the workspace (tldraw and
// the panels, most of the page's code). With the app in the page's own scripts, the workspace
// was requested only once those had downloaded and run, ~300 ms after the bare tldraw page
// requests tldraw (scratch timeline of resource timings, `npm run bench -- --only=browser`).
const loadApp = () => import('./RoomApp')
const loadWorkspace = () => import('./RoomWorkspace')
if (typeof window !== 'undefined') {
  void loadApp()
  void loadWorkspace()
}
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
