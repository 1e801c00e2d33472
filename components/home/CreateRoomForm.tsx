'use client'

import { useRouter } from 'next/navigation'
import { useEffect, useState, type FormEvent } from 'react'
import { ApiError, CreatedRoom } from '@/lib/rooms/api'
import { readLocalName, saveLocalName } from '@/lib/people/local-name'
import { justCreatedKey } from '@/components/share/SharePanel'
import { DEFAULT_PLAN, planTotalMinutes, type PhaseId } from '@/lib/session'

const EXAMPLES = [
  { title: 'Design a URL shortener', problem: 'Users submit a long URL and get a short one that redirects to it. Think about scale, custom aliases and expiry.' },
  { title: 'Design a chat service', problem: 'One-to-one and small group messaging with delivery receipts and message history, on mobile and web.' },
  { title: 'Design a news feed', problem: 'Users follow others and see a ranked feed of their posts. Focus on fan-out and read latency.' },
]

export function CreateRoomForm() {
  const router = useRouter()
  const [title, setTitle] = useState('')
  const [problem, setProblem] = useState('')
  const [name, setName] = useState('')
  const [customPlan, setCustomPlan] = useState(false)
  const [minutes, setMinutes] = useState<Record<PhaseId, string>>(() => Object.fromEntries(DEFAULT_PLAN.map((p) => [p.id, String(p.minutes)])) as Record<PhaseId, string>)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({})

  useEffect(() => setName(readLocalName()), [])

  async function submit(event: FormEvent) {
    event.preventDefault()
    setBusy(true)
    setError(null)
    setFieldErrors({})
    try {
      const response = await fetch('/api/rooms', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          title,
          problem,
          ...(customPlan ? { phases: Object.fromEntries(Object.entries(minutes).map(([id, value]) => [id, Number(value)])) } : {}),
        }),
      })
      const body: unknown = await response.json()
      if (!response.ok) {
        const parsed = ApiError.safeParse(body)
        setError(parsed.success ? parsed.data.error : `The server answered ${response.status}`)
        setFieldErrors(parsed.success ? (parsed.data.fields ?? {}) : {})
        return
      }
      const created = CreatedRoom.parse(body)
      if (name.trim()) saveLocalName(name)
      sessionStorage.setItem(justCreatedKey(created.roomId), '1')
      const link = new URL(created.links.interviewer)
      router.push(`${link.pathname}${link.hash}`)
    } catch {
      setError('Could not reach the server. Check your connection and try again.')
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="create-form" onSubmit={submit} aria-label="Create an interview room">
      <div className="field">
        <label htmlFor="room-title">Interview title</label>
        <input id="room-title" value={title} onChange={(e) => setTitle(e.target.value)} placeholder="Design a URL shortener" required maxLength={200} />
        {fieldErrors.title?.map((message) => <span key={message} className="field__error">{message}</span>)}
        <div className="chips" aria-label="Examples">
          {EXAMPLES.map((example) => (
            <button key={example.title} type="button" className="chip" onClick={() => { setTitle(example.title); setProblem(example.problem) }}>
              {example.title}
            </button>
          ))}
        </div>
      </div>
      <div className="field">
        <label htmlFor="room-problem">Problem statement</label>
        <textarea id="room-problem" value={problem} onChange={(e) => setProblem(e.target.value)} placeholder="What should the candidate design? Keep it open: scoping it is part of the interview." maxLength={20000} />
      </div>
      <fieldset className="plan">
        <legend>Phase plan</legend>
        <label className="plan__choice">
          <input type="radio" name="plan" checked={!customPlan} onChange={() => setCustomPlan(false)} />
          <span>Standard {planTotalMinutes(DEFAULT_PLAN)} minutes <span className="plan__detail">({DEFAULT_PLAN.map((p) => `${p.title} ${p.minutes}`).join(' · ')})</span></span>
        </label>
        <label className="plan__choice">
          <input type="radio" name="plan" checked={customPlan} onChange={() => setCustomPlan(true)} />
          <span>My own minutes per phase</span>
        </label>
        {customPlan && (
          <div className="plan__minutes">
            {DEFAULT_PLAN.map((phase) => (
              <label key={phase.id} className="plan__phase">
                <span>{phase.title}</span>
                <input type="number" min={1} max={180} required value={minutes[phase.id]} onChange={(e) => setMinutes({ ...minutes, [phase.id]: e.target.value })} aria-label={`${phase.title} minutes`} />
              </label>
            ))}
          </div>
        )}
        {Object.entries(fieldErrors).filter(([key]) => key.startsWith('phases')).map(([key, messages]) => <span key={key} className="field__error">{messages.join(', ')}</span>)}
      </fieldset>
      <div className="field">
        <label htmlFor="room-name">Your name</label>
        <input id="room-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="Shown next to your cursor" maxLength={60} required />
        <span className="field__hint">You join as the interviewer and get links for the candidate and a reviewer.</span>
      </div>
      {error && <div className="form-error" role="alert">{error}</div>}
      <button className="button button--primary" type="submit" disabled={busy}>
        {busy ? 'Creating room…' : 'Create interview room'}
      </button>
    </form>
  )
}
