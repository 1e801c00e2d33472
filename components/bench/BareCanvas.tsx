'use client'

import { useState } from 'react'
import { createTLStore, Tldraw, type Editor, type TLStore } from 'tldraw'
import 'tldraw/tldraw.css'
import { tldrawAssetUrls, tldrawOptions } from '@/components/canvas/tldraw-setup'
import { benchBoardRecords } from '@/lib/perf/bench-board'
import { markEditable } from '@/lib/perf/marks'

/**
 * The store, made as the room canvas makes it. With `?shapes=N` it holds a room's document
 * and page and the N rectangles of a benchmark board before the editor mounts, as a room's
 * store does once its binding has loaded the room.
 */
function createBareStore(): TLStore {
  const store = createTLStore()
  const shapes = Number(new URLSearchParams(window.location.search).get('shapes') ?? 0)
  if (Number.isInteger(shapes) && shapes > 0) {
    const records = benchBoardRecords(Math.min(shapes, tldrawOptions.maxShapesPerPage))
    store.mergeRemoteChanges(() => store.put(records))
  }
  return store
}

function onMount(editor: Editor): void {
  markEditable({ shapes: editor.getCurrentPageShapeIds().size })
}

/**
 * tldraw and nothing else: no sync, no panels. Loaded exactly as the room canvas loads it
 * (same package, CSS, self-hosted assets and options, a store made before the editor), so
 * the browser benchmark can tell what the room page adds to tldraw's own cost.
 */
export default function BareCanvas() {
  const [store] = useState(createBareStore)
  return (
    <div style={{ position: 'fixed', inset: 0 }}>
      <Tldraw store={store} assetUrls={tldrawAssetUrls} options={tldrawOptions} licenseKey={process.env.NEXT_PUBLIC_TLDRAW_LICENSE_KEY} onMount={onMount} />
    </div>
  )
}
