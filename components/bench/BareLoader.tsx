'use client'

import dynamic from 'next/dynamic'

// As the room page loads its app: client-only, in its own chunk.
const BareCanvas = dynamic(() => import('./BareCanvas'), { ssr: false })

export function BareLoader() {
  return <BareCanvas />
}
