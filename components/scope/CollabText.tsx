'use client'

import { useEffect, useRef, useState, type ChangeEvent } from 'react'
import * as Y from 'yjs'
import { useRoom } from '@/components/room/RoomContext'

interface Editing {
  field: string
  /** Y.RelativePosition as JSON, so the caret stays put while others type. */
  position: unknown
}

interface RemoteCaret {
  clientId: number
  name: string
  color: string
  index: number
}

/** Where `next` differs from `prev`: replace prev[start, prevEnd) by next[start, nextEnd). */
export function textChange(prev: string, next: string, caret: number) {
  const inserted = Math.max(0, next.length - prev.length)
  let start = 0
  const maxPrefix = Math.min(prev.length, next.length, Math.max(0, caret - inserted))
  while (start < maxPrefix && prev[start] === next[start]) start += 1
  let prevEnd = prev.length
  let nextEnd = next.length
  while (prevEnd > start && nextEnd > start && prev[prevEnd - 1] === next[nextEnd - 1]) {
    prevEnd -= 1
    nextEnd -= 1
  }
  return { start, deleteCount: prevEnd - start, insert: next.slice(start, nextEnd) }
}

/**
 * A text field bound to a Y.Text: two people typing in it both keep their words, and each
 * sees where the other's caret is.
 */
export function CollabText({
  text,
  fieldId,
  label,
  placeholder,
  multiline = false,
  className,
  shareCaret = true,
}: {
  text: Y.Text
  fieldId: string
  label: string
  placeholder?: string
  multiline?: boolean
  className?: string
  /** Off for private fields: where the caret is would otherwise reach other participants. */
  shareCaret?: boolean
}) {
  const { awareness, role } = useRoom()
  const readOnly = role === 'reviewer'
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null)
  const [value, setValue] = useState(() => text.toString())
  const [carets, setCarets] = useState<RemoteCaret[]>([])

  useEffect(() => {
    const observe = (event: Y.YTextEvent, transaction: Y.Transaction) => {
      const next = text.toString()
      const element = ref.current
      if (element && !transaction.local && document.activeElement === element) {
        let start = element.selectionStart ?? 0
        let end = element.selectionEnd ?? 0
        let index = 0
        for (const op of event.delta) {
          if (op.retain) index += op.retain
          else if (typeof op.insert === 'string') {
            if (index <= start) start += op.insert.length
            if (index < end) end += op.insert.length
            index += op.insert.length
          } else if (op.delete) {
            if (index < start) start = Math.max(index, start - op.delete)
            if (index < end) end = Math.max(index, end - op.delete)
          }
        }
        element.value = next
        element.setSelectionRange(start, end)
      }
      setValue(next)
    }
    text.observe(observe)
    setValue(text.toString())
    return () => text.unobserve(observe)
  }, [text])

  useEffect(() => {
    const doc = text.doc
    if (!doc) return
    const update = () => {
      const found: RemoteCaret[] = []
      awareness.getStates().forEach((state, clientId) => {
        const editing = state.editing as Editing | null | undefined
        const user = state.user as { name?: string; color?: string } | undefined
        if (clientId === awareness.clientID || editing?.field !== fieldId || !user) return
        try {
          const absolute = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(editing.position), doc)
          if (absolute?.type === text) found.push({ clientId, name: user.name ?? '', color: user.color ?? '#888', index: absolute.index })
        } catch {
          // A malformed position from another client is ignored.
        }
      })
      setCarets(found)
    }
    awareness.on('change', update)
    doc.on('update', update)
    update()
    return () => {
      awareness.off('change', update)
      doc.off('update', update)
    }
  }, [awareness, fieldId, text])

  const announceCaret = () => {
    const element = ref.current
    if (!element || readOnly || !shareCaret) return
    const position = Y.createRelativePositionFromTypeIndex(text, element.selectionStart ?? 0)
    awareness.setLocalStateField('editing', { field: fieldId, position: Y.relativePositionToJSON(position) } satisfies Editing)
  }

  const onChange = (event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => {
    const next = event.target.value
    const change = textChange(text.toString(), next, event.target.selectionEnd ?? next.length)
    text.doc?.transact(() => {
      if (change.deleteCount > 0) text.delete(change.start, change.deleteCount)
      if (change.insert) text.insert(change.start, change.insert)
    })
    setValue(next)
    announceCaret()
  }

  const common = {
    ref,
    value,
    placeholder,
    readOnly,
    'aria-label': label,
    onChange,
    onSelect: announceCaret,
    onFocus: announceCaret,
    onBlur: () => shareCaret && awareness.setLocalStateField('editing', null),
    className: 'collab__input',
  }
  return (
    <div className={`collab${multiline ? ' collab--multiline' : ''} ${className ?? ''}`} style={carets[0] ? { boxShadow: `0 0 0 2px ${carets[0].color}` } : undefined}>
      {multiline ? <textarea rows={2} {...common} /> : <input {...common} />}
      {carets.map((caret) => (
        <div key={caret.clientId} className="collab__mirror" aria-hidden="true">
          {value.slice(0, caret.index)}
          <span className="collab__caret" style={{ borderColor: caret.color }}>
            <span className="collab__name" style={{ background: caret.color }}>{caret.name}</span>
          </span>
        </div>
      ))}
    </div>
  )
}
