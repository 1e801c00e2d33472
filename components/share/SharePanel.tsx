'use client'

import { useEffect, useState } from 'react'
import { usePopover } from '@/components/usePopover'
import type { Role } from '@/lib/sync/protocol'

const ROWS: Array<{ role: Exclude<Role, 'interviewer'>; label: string; hint: string }> = [
  { role: 'candidate', label: 'Candidate link', hint: 'can draw and edit' },
  { role: 'reviewer', label: 'Reviewer link', hint: 'read only' },
]

export const justCreatedKey = (roomId: string) => `boxes:just-created:${roomId}`

function CopyRow({ label, hint, link, onReplace }: { label: string; hint: string; link: string; onReplace?: () => void }) {
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
      {onReplace && (
        <button type="button" className="link-button" onClick={onReplace}>
          Replace this link (the old one stops working at once)
        </button>
      )}
    </div>
  )
}

/** The interviewer's Share button and panel: one link per role, each with a copy button. */
export function ShareButton({ links: initialLinks, roomId, token }: { links: Record<Role, string>; roomId: string; token: string }) {
  const [links, setLinks] = useState(initialLinks)
  const [error, setError] = useState<string | null>(null)
  const replace = async (role: 'candidate' | 'reviewer') => {
    if (!window.confirm(`Replace the ${role} link? Anyone using the old one is disconnected.`)) return
    setError(null)
    const response = await fetch(`/api/rooms/${roomId}/links`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ role }),
    }).catch(() => null)
    const body = (await response?.json().catch(() => null)) as { links?: Record<Role, string>; error?: string } | null
    if (!response?.ok || !body?.links) return setError(body?.error ?? 'Could not replace the link. Are you online?')
    setLinks(body.links)
  }
  // Open by itself right after the room was created, when the links are what the interviewer needs.
  const { open, setOpen, panel } = usePopover<HTMLDivElement>(sessionStorage.getItem(justCreatedKey(roomId)) !== null)
  useEffect(() => sessionStorage.removeItem(justCreatedKey(roomId)), [roomId])
  return (
    <div>
      <button type="button" className="button button--primary" aria-expanded={open} onClick={() => setOpen(!open)}>Share</button>
      {open && (
        <div className="popover" ref={panel} role="dialog" aria-label="Share this room">
          <h2>Invite people</h2>
          <p>Anyone with a link joins with that link&apos;s role. Keep your own interviewer link private.</p>
          {ROWS.map((row) => <CopyRow key={row.role} label={row.label} hint={row.hint} link={links[row.role]} onReplace={() => void replace(row.role)} />)}
          {error && <p className="notice notice--error" role="alert">{error}</p>}
          <CopyRow label="Your interviewer link" hint="full control" link={links.interviewer} />
        </div>
      )}
    </div>
  )
}
