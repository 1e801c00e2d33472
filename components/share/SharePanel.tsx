'use client'

import { useEffect, useRef, useState } from 'react'
import type { Role } from '@/lib/sync/protocol'

const ROWS: Array<{ role: Exclude<Role, 'interviewer'>; label: string; hint: string }> = [
  { role: 'candidate', label: 'Candidate link', hint: 'can draw and edit' },
  { role: 'reviewer', label: 'Reviewer link', hint: 'read only' },
]

export const justCreatedKey = (roomId: string) => `boxes:just-created:${roomId}`

function CopyRow({ label, hint, link }: { label: string; hint: string; link: string }) {
  const [copied, setCopied] = useState(false)
  async function copy() {
    await navigator.clipboard.writeText(link).catch(() => undefined)
    setCopied(true)
    setTimeout(() => setCopied(false), 1600)
  }
  const id = `share-${label.replace(/\s+/g, '-').toLowerCase()}`
  return (
    <div className="share-row">
      <div className="share-row__label"><label htmlFor={id}>{label}</label><span>{hint}</span></div>
      <div className="share-row__link">
        <input id={id} readOnly value={link} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" className="button button--small" onClick={copy} aria-label={`Copy ${label.toLowerCase()}`}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </div>
  )
}

/** The interviewer's Share button and panel: one link per role, each with a copy button. */
export function ShareButton({ links, roomId }: { links: Record<Role, string>; roomId: string }) {
  // Open by itself right after the room was created, when the links are what the interviewer needs.
  const [open, setOpen] = useState(() => sessionStorage.getItem(justCreatedKey(roomId)) !== null)
  useEffect(() => sessionStorage.removeItem(justCreatedKey(roomId)), [roomId])
  const panel = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!open) return
    const close = (event: MouseEvent | KeyboardEvent) => {
      if (event instanceof KeyboardEvent ? event.key === 'Escape' : !panel.current?.parentElement?.contains(event.target as Node)) setOpen(false)
    }
    window.addEventListener('mousedown', close)
    window.addEventListener('keydown', close)
    return () => {
      window.removeEventListener('mousedown', close)
      window.removeEventListener('keydown', close)
    }
  }, [open])
  return (
    <div>
      <button type="button" className="button button--primary" aria-expanded={open} onClick={() => setOpen(!open)}>Share</button>
      {open && (
        <div className="popover" ref={panel} role="dialog" aria-label="Share this room">
          <h2>Invite people</h2>
          <p>Anyone with a link joins with that link&apos;s role. Keep your own interviewer link private.</p>
          {ROWS.map((row) => <CopyRow key={row.role} label={row.label} hint={row.hint} link={links[row.role]} />)}
          <CopyRow label="Your interviewer link" hint="full control" link={links.interviewer} />
        </div>
      )}
    </div>
  )
}
