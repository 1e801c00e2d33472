'use client'

import { toRichText } from 'tldraw'
import { useDocValue, useRoom } from '@/components/room/RoomContext'
import { CAPACITY_FIGURES, CAPACITY_INPUTS, estimateFromText } from '@/lib/capacity'
import { estimateText, readEstimateInputs } from '@/lib/room-doc/interview'
import { CollabText } from './CollabText'

/** Capacity inputs typed together, and the figures derived from them, the same on every screen. */
export function EstimatesTab() {
  const { doc, role, editor } = useRoom()
  const raw = useDocValue(readEstimateInputs)
  const { figures, errors } = estimateFromText(raw)

  const dropOnCanvas = (label: string, value: string) => {
    if (!editor) return
    const center = editor.getViewportPageBounds().center
    editor.createShape({ type: 'note', x: center.x - 100, y: center.y - 100, props: { richText: toRichText(`${label}\n${value}`) } })
  }

  return (
    <section className="scope-section" aria-labelledby="estimates-heading">
      <header className="scope-section__head"><h3 id="estimates-heading">Capacity estimates</h3></header>
      <p className="scope-section__hint">Only where the numbers change the design. Shorthand works: 100M, 1.5K, 2 KB.</p>
      <div className="estimates">
        {CAPACITY_INPUTS.map((input) => {
          const text = estimateText(doc, input.key)
          const error = errors[input.key]
          return (
            <div key={input.key} className="estimates__input">
              <label className="estimates__label">{input.label}{input.unit && <span className="estimates__unit"> {input.unit}</span>}</label>
              {text ? <CollabText text={text} fieldId={`estimate/${input.key}`} label={input.label} placeholder={input.placeholder} /> : <span className="empty">Unavailable</span>}
              {error && <span className="field__error" role="alert">{error}</span>}
            </div>
          )
        })}
      </div>
      <h4 className="estimates__derived-title">Derived</h4>
      <table className="figures" data-testid="capacity-figures">
        <tbody>
          {CAPACITY_FIGURES.map((figure) => {
            const figureValue = figures[figure.key]
            const value = figureValue === undefined ? "–" : figure.format(figureValue)
            return (
              <tr key={figure.key} data-testid={`figure-${figure.key}`}>
                <th scope="row">{figure.label}</th>
                <td className="figures__value">{value}</td>
                <td>
                  {figureValue !== undefined && role !== 'reviewer' && (
                    <button type="button" className="button button--tiny" aria-label={`Add ${figure.label} to the board`} title="Add to the board as a sticky note" onClick={() => dropOnCanvas(figure.label, value)}>+ Board</button>
                  )}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </section>
  )
}
