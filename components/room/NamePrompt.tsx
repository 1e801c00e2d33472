'use client'

import { useState, type FormEvent } from 'react'
import type { Role } from '@/lib/sync/protocol'
import { saveLocalName } from '@/lib/people/local-name'

const ROLE_TEXT: Record<Role, string> = {
  interviewer: 'You are joining as the interviewer.',
  candidate: 'You are joining as the candidate. Your interviewer will see your name next to your cursor.',
  reviewer: 'You are joining as a reviewer: you can look at everything but not change it.',
}

export function NamePrompt({ role, onDone }: { role: Role; onDone(name: string): void }) {
  const [name, setName] = useState('')
  function submit(event: FormEvent) {
    event.preventDefault()
    if (!name.trim()) return
    saveLocalName(name)
    onDone(name.trim())
  }
  return (
    <div className="screen">
      <form className="card create-form" onSubmit={submit} aria-label="Join the room">
        <div>
          <h2>Welcome to the interview room</h2>
          <p className="card__sub" style={{ margin: 0 }}>{ROLE_TEXT[role]}</p>
        </div>
        <div className="field">
          <label htmlFor="participant-name">Your name</label>
          <input id="participant-name" autoFocus value={name} onChange={(e) => setName(e.target.value)} maxLength={60} placeholder="e.g. Sam" />
          <span className="field__hint">Remembered on this device.</span>
        </div>
        <button className="button button--primary" type="submit" disabled={!name.trim()}>Join the room</button>
      </form>
    </div>
  )
}
