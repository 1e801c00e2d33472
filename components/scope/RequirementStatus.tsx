'use client'

import { useRoom } from '@/components/room/RoomContext'
import { setRequirementStatus, type RequirementStatus, type RequirementView } from '@/lib/room-doc/interview'
import { canTransition } from '@/lib/session'

const STATUS_LABEL: Record<RequirementStatus, string> = { proposed: 'Proposed', agreed: 'Agreed', 'out-of-scope': 'Out of scope' }

function when(at: number | undefined): string {
  return at ? new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : ''
}

/** A requirement's status, who decided it and when, and the interviewer's decision buttons. */
export function RequirementStatusControls({ kind, item }: { kind: 'functional' | 'nonFunctional'; item: RequirementView }) {
  const { doc, role, user, clock } = useRoom()
  const decide = (to: RequirementStatus) => setRequirementStatus(doc, kind, item.id, to, { name: user.name, role }, clock.now())
  const options: Array<{ to: RequirementStatus; label: string }> = [
    { to: 'agreed', label: 'Agree' },
    { to: 'out-of-scope', label: 'Out of scope' },
    { to: 'proposed', label: 'Reopen' },
  ]
  return (
    <div className="req-status">
      <span className={`pill pill--${item.status}`} data-testid="requirement-status">
        {STATUS_LABEL[item.status]}
        {item.status !== 'proposed' && item.decidedBy ? ` by ${item.decidedBy}` : ''}
        {item.status !== 'proposed' && item.decidedAt ? <span className="pill__time"> · {when(item.decidedAt)}</span> : null}
      </span>
      {options
        .filter(({ to }) => to !== item.status && canTransition(role, item.status, to))
        .map(({ to, label }) => (
          <button key={to} type="button" className={`button button--tiny${to === 'agreed' ? ' button--ok' : ''}`} onClick={() => decide(to)}>
            {label}
          </button>
        ))}
    </div>
  )
}
