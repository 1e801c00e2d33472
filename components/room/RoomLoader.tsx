'use client'

import dynamic from 'next/dynamic'
import { LoadingScreen } from './screens'

// The canvas needs the browser (IndexedDB, WebSocket, DOM measurement): no server rendering.
const RoomApp = dynamic(() => import('./RoomApp'), { ssr: false, loading: () => <LoadingScreen label="Opening the room…" /> })

export function RoomLoader({ roomId }: { roomId: string }) {
  return <RoomApp roomId={roomId} />
}
