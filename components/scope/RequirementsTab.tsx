'use client'

import { useDocValue, useRoom } from '@/components/room/RoomContext'
import {
  addFunctional,
  addNonFunctional,
  LatencyTarget,
  NFR_CATEGORIES,
  readFunctional,
  readNonFunctional,
  setLatencyTarget,
  type NfrView,
} from '@/lib/room-doc/interview'
import { CollabText } from './CollabText'
import { ItemActions } from './ItemActions'
import { RequirementStatusControls } from './RequirementStatus'

export function RequirementsTab() {
  const { doc, role, user } = useRoom()
  const functional = useDocValue(readFunctional)
  const nonFunctional = useDocValue(readNonFunctional)
  const agreed = functional.filter((item) => item.status === 'agreed').length
  const canEdit = role !== 'reviewer'
  return (
    <>
      <section className="scope-section" aria-labelledby="functional-heading">
        <header className="scope-section__head">
          <h3 id="functional-heading">Functional requirements</h3>
          <span className="count" data-testid="agreed-count">{agreed} agreed</span>
        </header>
        <p className="scope-section__hint">A few top-priority features: the candidate proposes, the interviewer agrees.</p>
        {functional.length === 0 && <p className="empty">No requirements yet.</p>}
        <ol className="scope-list">
          {functional.map((item, index) => (
            <li key={item.id} className="scope-item" data-testid="functional-requirement">
              <div className="scope-item__row">
                <span className="scope-item__number">{index + 1}.</span>
                <CollabText text={item.text} fieldId={`functional/${item.id}`} label={`Functional requirement ${index + 1}`} placeholder="Users can…" multiline />
                <ItemActions kind="functional" id={item.id} label={`requirement ${index + 1}`} first={index === 0} last={index === functional.length - 1} />
              </div>
              <RequirementStatusControls kind="functional" item={item} />
            </li>
          ))}
        </ol>
        {canEdit && <button type="button" className="button button--small" onClick={() => addFunctional(doc, user.name)}>+ Add requirement</button>}
      </section>

      <section className="scope-section" aria-labelledby="nfr-heading">
        <header className="scope-section__head">
          <h3 id="nfr-heading">Non-functional requirements</h3>
          <span className="count">{nonFunctional.filter((item) => item.status === 'agreed').length} agreed</span>
        </header>
        <p className="scope-section__hint">A concrete target for each quality: a number where there can be one.</p>
        <ol className="scope-list">
          {nonFunctional.map((item, index) => (
            <li key={item.id} className="scope-item" data-testid="nfr">
              <div className="scope-item__row">
                {item.category === 'custom'
                  ? <CollabText text={item.label} fieldId={`nfr-label/${item.id}`} label="Quality" placeholder="Quality, e.g. Cost" className="collab--label" />
                  : <span className="scope-item__label">{NFR_CATEGORIES.find((c) => c.category === item.category)?.label}</span>}
                {item.category === 'custom' && <ItemActions kind="nonFunctional" id={item.id} label={`quality ${index + 1}`} first={index === 0} last={index === nonFunctional.length - 1} />}
              </div>
              {item.category === 'latency' && <LatencyEditor item={item} />}
              <CollabText
                text={item.text}
                fieldId={`nfr/${item.id}`}
                label={`${NFR_CATEGORIES.find((c) => c.category === item.category)?.label ?? 'Custom'} target`}
                placeholder={NFR_CATEGORIES.find((c) => c.category === item.category)?.placeholder ?? 'Target'}
                multiline
              />
              <RequirementStatusControls kind="nonFunctional" item={item} />
            </li>
          ))}
        </ol>
        {canEdit && <button type="button" className="button button--small" onClick={() => addNonFunctional(doc, 'custom', user.name)}>+ Add a quality</button>}
      </section>
    </>
  )
}

const PERCENTILES = LatencyTarget.shape.percentile.options
const UNITS = LatencyTarget.shape.unit.options

/** Latency is a number with a percentile and a unit, never "low". */
function LatencyEditor({ item }: { item: NfrView }) {
  const { doc, role } = useRoom()
  const target = item.latency ?? { percentile: 'p99' as const, value: 0, unit: 'ms' as const }
  const save = (change: Partial<LatencyTarget>) => {
    const next = { ...target, ...change }
    const parsed = LatencyTarget.safeParse(next)
    setLatencyTarget(doc, item.id, parsed.success ? parsed.data : null)
  }
  const disabled = role === 'reviewer'
  return (
    <div className="latency" role="group" aria-label="Latency target">
      <select aria-label="Percentile" value={target.percentile} disabled={disabled} onChange={(e) => save({ percentile: e.target.value as LatencyTarget['percentile'] })}>
        {PERCENTILES.map((p) => <option key={p}>{p}</option>)}
      </select>
      <span>&lt;</span>
      <input
        aria-label="Latency value"
        type="number"
        min={0}
        step="any"
        disabled={disabled}
        key={`${target.value}`}
        defaultValue={item.latency ? target.value : ''}
        placeholder="200"
        onBlur={(e) => save({ value: Number(e.target.value) })}
        onKeyDown={(e) => e.key === 'Enter' && e.currentTarget.blur()}
      />
      <select aria-label="Unit" value={target.unit} disabled={disabled} onChange={(e) => save({ unit: e.target.value as LatencyTarget['unit'] })}>
        {UNITS.map((u) => <option key={u}>{u}</option>)}
      </select>
      {!item.latency && <span className="latency__hint">Set a number</span>}
    </div>
  )
}
