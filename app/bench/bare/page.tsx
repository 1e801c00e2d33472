import type { Metadata } from 'next'
import { BareLoader } from '@/components/bench/BareLoader'

/**
 * The browser benchmark's baseline (bench/browser.ts): a page that renders tldraw with no
 * sync, built with the app. Not linked from anywhere and not for search engines.
 */
export const metadata: Metadata = {
  title: 'tldraw baseline · Boxes & Arrows',
  robots: { index: false, follow: false },
}

export default function BarePage() {
  return <BareLoader />
}
