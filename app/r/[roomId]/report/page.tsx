import type { Metadata } from 'next'
import { ReportLoader } from '@/components/report/ReportLoader'

export const metadata: Metadata = { title: 'Interview report · Boxes & Arrows' }

export default async function ReportPage({ params }: { params: Promise<{ roomId: string }> }) {
  const { roomId } = await params
  return <ReportLoader roomId={roomId} />
}
