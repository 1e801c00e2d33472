'use client'

import dynamic from 'next/dynamic'
import { LoadingScreen } from '@/components/room/screens'

const ReportApp = dynamic(() => import('./ReportApp'), { ssr: false, loading: () => <LoadingScreen label="Preparing the report…" /> })

export function ReportLoader({ roomId }: { roomId: string }) {
  return <ReportApp roomId={roomId} />
}
