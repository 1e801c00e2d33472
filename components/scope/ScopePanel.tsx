'use client'

import dynamic from 'next/dynamic'
import { useRef, useState, type PointerEvent } from 'react'
import { PanelBoundary } from '@/components/room/PanelBoundary'
import { useRoom } from '@/components/room/RoomContext'

// The tabs' contents (and the schemas they write through) load once the panel asks for them,
// after the canvas has mounted (bodyLater): they are not on the way to an editable board.
const ScopeTabBody = dynamic(() => import('@/components/room/later-panels').then((module) => module.ScopeTabBody), { ssr: false })

const TABS = [
  { id: 'requirements', label: 'Requirements' },
  { id: 'estimates', label: 'Estimates' },
  { id: 'design', label: 'Entities & API' },
  { id: 'notes', label: 'Notes' },
] as const
export type TabId = (typeof TABS)[number]['id']

const WIDTH_KEY = 'boxes:panel-width'
const MIN_WIDTH = 300
const MAX_WIDTH = 720
const DEFAULT_WIDTH = 420

/** The width this device last gave the panel (the panel renders only in the browser). */
function savedWidth(): number {
  const saved = Number(localStorage.getItem(WIDTH_KEY))
  return saved >= MIN_WIDTH && saved <= MAX_WIDTH ? saved : DEFAULT_WIDTH
}

/**
 * The shared scope panel beside the canvas: resizable by its left edge, never over the canvas.
 * With `bodyLater`, only its frame renders (the tab's contents follow), so the canvas beside
 * it can mount first.
 */
export function ScopePanel({ onClose, bodyLater = false }: { onClose(): void; bodyLater?: boolean }) {
  const { role, privateNotes } = useRoom()
  const tabs = TABS.filter((t) => t.id !== 'notes' || (role === 'interviewer' && privateNotes))
  const [tab, setTab] = useState<TabId>('requirements')
  const [width, setWidth] = useState(savedWidth)
  const drag = useRef<{ startX: number; startWidth: number } | null>(null)

  const clamp = (value: number) => Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, value))
  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    drag.current = { startX: event.clientX, startWidth: width }
    event.currentTarget.setPointerCapture(event.pointerId)
  }
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (drag.current) setWidth(clamp(drag.current.startWidth + drag.current.startX - event.clientX))
  }
  const onPointerUp = () => {
    drag.current = null
    localStorage.setItem(WIDTH_KEY, String(width))
  }

  return (
    <aside className="scope-panel" style={{ width }} aria-label="Scope panel" data-testid="scope-panel">
      <div
        className="scope-panel__resize"
        role="separator"
        aria-orientation="vertical"
        aria-label="Resize the scope panel"
        aria-valuemin={MIN_WIDTH}
        aria-valuemax={MAX_WIDTH}
        aria-valuenow={width}
        tabIndex={0}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onKeyDown={(e) => {
          if (e.key === 'ArrowLeft') setWidth((w) => clamp(w + 20))
          if (e.key === 'ArrowRight') setWidth((w) => clamp(w - 20))
        }}
      />
      <div className="scope-panel__head">
        <div className="tabs" role="tablist" aria-label="Scope sections">
          {tabs.map((t) => (
            <button key={t.id} type="button" role="tab" id={`tab-${t.id}`} aria-controls={`tabpanel-${t.id}`} aria-selected={tab === t.id} className="tabs__tab" onClick={() => setTab(t.id)}>
              {t.label}
            </button>
          ))}
        </div>
        <button type="button" className="icon-button" aria-label="Close the scope panel" onClick={onClose}>»</button>
      </div>
      <div className="scope-panel__body" role="tabpanel" id={`tabpanel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {!bodyLater && (
          <PanelBoundary label="This tab">
            <ScopeTabBody tab={tab} />
          </PanelBoundary>
        )}
      </div>
    </aside>
  )
}
