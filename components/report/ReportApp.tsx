'use client'

import { getAssetUrls } from '@tldraw/assets/selfHosted'
import { roomAssetStore } from '@/components/canvas/asset-store'
import { useEffect, useMemo, useState } from 'react'
import { createTLStore, TldrawImage, type TLStoreSnapshot } from 'tldraw'
import 'tldraw/tldraw.css'
import { describeCloseCode, useRoomConnection } from '@/components/room/useRoomConnection'
import { LoadingScreen, MessageScreen } from '@/components/room/screens'
import { tokenFromHash } from '@/components/room/access-request'
import { CAPACITY_FIGURES, CAPACITY_INPUTS, estimateFromText } from '@/lib/capacity'
import { PHASE_CHECKLISTS } from '@/lib/interview/checklists'
import { NFR_CATEGORIES } from '@/lib/room-doc/interview'
import { exportRoom, type RoomExport } from '@/lib/room-export/room-export'
import { describeDecision } from '@/lib/report/markdown'
import { bindStoreToDoc } from '@/lib/tldraw-binding'
import { formatClock, phaseActuals } from '@/lib/session'

const assetUrls = getAssetUrls({ baseUrl: '/tldraw-assets' })

/** The printable report: the same content as the Markdown report, laid out for paper. */
export default function ReportApp({ roomId }: { roomId: string }) {
  const [token] = useState(() => tokenFromHash() ?? '')
  const connection = useRoomConnection(roomId, token)
  const [report, setReport] = useState<{ room: RoomExport; snapshot: TLStoreSnapshot; at: number } | null>(null)

  useEffect(() => {
    if (report || !connection || connection.state.kind !== 'live' || !connection.ready) return
    const store = createTLStore()
    const binding = bindStoreToDoc(store, connection.doc)
    setReport({ room: exportRoom(connection.doc), snapshot: withImageUrls(store.getStoreSnapshot(), roomAssetStore(roomId, token)), at: connection.clock.now() })
    binding.dispose()
  }, [connection, report, roomId, token])

  if (!token) return <MessageScreen title="This link is incomplete">Open the report from the room&apos;s Export menu.</MessageScreen>
  if (connection?.state.kind === 'closed') {
    const message = describeCloseCode(connection.state.code, connection.state.reason)
    return <MessageScreen title={message.title}>{message.detail}</MessageScreen>
  }
  if (!report) return <LoadingScreen label="Preparing the report…" />
  return <Report room={report.room} snapshot={report.snapshot} at={report.at} />
}

/**
 * The report draws the board outside the editor, where no asset store resolves uploaded
 * images: give this snapshot (never the room) the URLs the room page would use.
 */
function withImageUrls(snapshot: TLStoreSnapshot, assets: ReturnType<typeof roomAssetStore>): TLStoreSnapshot {
  const store = Object.fromEntries(
    Object.entries(snapshot.store).map(([id, record]) => {
      if (record.typeName !== 'asset' || !('src' in record.props) || typeof record.props.src !== 'string') return [id, record]
      const src = assets.resolve?.(record as never, {} as never)
      return [id, typeof src === 'string' ? { ...record, props: { ...record.props, src } } : record]
    }),
  )
  return { ...snapshot, store } as TLStoreSnapshot
}

const decided = (item: Parameters<typeof describeDecision>[0]) => describeDecision(item, (at) => `, ${new Date(at).toLocaleString()}`)

function Report({ room, snapshot, at }: { room: RoomExport; snapshot: TLStoreSnapshot; at: number }) {
  const estimate = useMemo(() => estimateFromText(room.scope.estimates), [room])
  const hasShapes = room.tldraw.records.some((record) => record.typeName === 'shape')
  const inputs = CAPACITY_INPUTS.filter(({ key }) => (room.scope.estimates[key] ?? '').trim())
  return (
    <main className="report" data-testid="report">
      <div className="report__actions no-print">
        <button type="button" className="button button--primary" onClick={() => window.print()}>Print or save as PDF</button>
      </div>
      <header className="report__header">
        <p className="report__kicker">Boxes &amp; Arrows · interview report · {new Date(room.meta.createdAt).toLocaleDateString()}</p>
        <h1>{room.meta.title || 'Untitled interview'}</h1>
        {room.meta.problem && <p className="report__problem">{room.meta.problem}</p>}
      </header>

      <section className="report__section report__diagram" aria-labelledby="r-diagram">
        <h2 id="r-diagram">Diagram</h2>
        {hasShapes ? <TldrawImage snapshot={snapshot} format="svg" background padding={24} assetUrls={assetUrls} licenseKey={process.env.NEXT_PUBLIC_TLDRAW_LICENSE_KEY} /> : <p>The board is empty.</p>}
      </section>

      <section className="report__section" aria-labelledby="r-time">
        <h2 id="r-time">Time per phase</h2>
        <table>
          <thead><tr><th>Phase</th><th>Planned</th><th>Actual</th><th>Checklist</th></tr></thead>
          <tbody>
            {phaseActuals(room.session.timer, room.session.plan, at).map((phase) => {
              const items = PHASE_CHECKLISTS[phase.id]
              return (
                <tr key={phase.id}>
                  <td>{phase.title}</td>
                  <td>{Math.round(phase.plannedMs / 60_000)} min</td>
                  <td className={phase.actualMs > phase.plannedMs ? 'report__over' : undefined}>{formatClock(phase.actualMs)}</td>
                  <td>{items.filter((item) => room.session.checklist[item.id]).length}/{items.length}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </section>

      <section className="report__section" aria-labelledby="r-functional">
        <h2 id="r-functional">Functional requirements</h2>
        {room.scope.functional.length === 0 ? <p>None recorded.</p> : (
          <table>
            <thead><tr><th>#</th><th>Requirement</th><th>Status</th></tr></thead>
            <tbody>{room.scope.functional.map((item, index) => <tr key={index}><td>{index + 1}</td><td>{item.text}</td><td>{decided(item)}</td></tr>)}</tbody>
          </table>
        )}
      </section>

      <section className="report__section" aria-labelledby="r-nfr">
        <h2 id="r-nfr">Non-functional requirements</h2>
        <table>
          <thead><tr><th>Quality</th><th>Target</th><th>Status</th></tr></thead>
          <tbody>
            {room.scope.nonFunctional.map((item, index) => (
              <tr key={index}>
                <td>{item.category === 'custom' ? item.label : NFR_CATEGORIES.find((c) => c.category === item.category)?.label}</td>
                <td>{[item.latency ? `${item.latency.percentile} < ${item.latency.value} ${item.latency.unit}` : '', item.text].filter(Boolean).join(': ') || '–'}</td>
                <td>{decided(item)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="report__section" aria-labelledby="r-estimates">
        <h2 id="r-estimates">Capacity estimates</h2>
        {inputs.length === 0 ? <p>No estimates made.</p> : (
          <div className="report__columns">
            <table>
              <thead><tr><th>Input</th><th>Value</th></tr></thead>
              <tbody>{inputs.map((input) => <tr key={input.key}><td>{input.label}</td><td>{room.scope.estimates[input.key]}</td></tr>)}</tbody>
            </table>
            <table>
              <thead><tr><th>Derived</th><th>Value</th></tr></thead>
              <tbody>
                {CAPACITY_FIGURES.filter((figure) => estimate.figures[figure.key] !== undefined).map((figure) => (
                  <tr key={figure.key}><td>{figure.label}</td><td>{figure.format(estimate.figures[figure.key] ?? 0)}</td></tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="report__section" aria-labelledby="r-entities">
        <h2 id="r-entities">Core entities</h2>
        {room.scope.entities.length === 0 ? <p>None recorded.</p> : <ul>{room.scope.entities.map((entity, index) => <li key={index}><strong>{entity.name}</strong>: {entity.fields}</li>)}</ul>}
      </section>

      <section className="report__section" aria-labelledby="r-api">
        <h2 id="r-api">API</h2>
        {room.scope.api.length === 0 ? <p>None recorded.</p> : (
          <table>
            <thead><tr><th>Style</th><th>Method</th><th>Path</th><th>Request</th><th>Response</th></tr></thead>
            <tbody>{room.scope.api.map((endpoint, index) => <tr key={index}><td>{endpoint.style}</td><td>{endpoint.method}</td><td><code>{endpoint.path}</code></td><td>{endpoint.request}</td><td>{endpoint.response}</td></tr>)}</tbody>
          </table>
        )}
      </section>
    </main>
  )
}
