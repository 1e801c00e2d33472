import type { Metadata } from 'next'
import { RoomLoader } from '@/components/room/RoomLoader'

export const metadata: Metadata = { title: 'Interview room · Boxes & Arrows' }

export default async function RoomPage({ params }: { params: Promise<{ roomId: string }> }) {
  const { roomId } = await params
  return <RoomLoader roomId={roomId} />
}
