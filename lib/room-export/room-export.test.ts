import { createShapeId, toRichText } from '@tldraw/tlschema'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { renderReportMarkdown } from '../report/markdown'
import { seedRoomDoc } from '../room-doc'
import { addEndpoint, addEntity, addFunctional, estimateText, readEndpoints, readEntities, seedInterview, setLatencyTarget, setRequirementStatus, updateTimer } from '../room-doc/interview'
import { getRoomRecords } from '../room-doc/layout'
import { nextPhase, startTimer } from '../session'
import { writeRoomRecord } from '../tldraw-binding/record-codec'
import { exportRoom, importRoom, parseRoomExport } from './room-export'

const T0 = Date.UTC(2026, 10, 27, 10, 0, 0)

function fixedRoom(): Y.Doc {
  const doc = new Y.Doc()
  seedRoomDoc(doc, { title: 'Design a URL shortener', problem: 'Short links that redirect.', createdAt: T0 })
  seedInterview(doc)
  doc.transact(() => {
    writeRoomRecord(getRoomRecords(doc), {
      id: createShapeId('api'), typeName: 'shape', type: 'geo', x: 10, y: 20, rotation: 0, index: 'a1', parentId: 'page:page',
      isLocked: false, opacity: 1, meta: {},
      props: { geo: 'rectangle', w: 120, h: 60, color: 'blue', richText: toRichText('API servers') },
    } as never)
  })
  const agreed = addFunctional(doc, 'Cora', 'Users shorten a long URL')
  addFunctional(doc, 'Cora', 'Links expire | maybe')
  setRequirementStatus(doc, 'functional', agreed, 'agreed', { name: 'Ivy', role: 'interviewer' }, T0 + 60_000)
  setLatencyTarget(doc, 'nfr-latency', { percentile: 'p99', value: 200, unit: 'ms' })
  estimateText(doc, 'dailyActiveUsers')?.insert(0, '100M')
  estimateText(doc, 'readsPerUserPerDay')?.insert(0, '10')
  const entity = addEntity(doc)
  readEntities(doc).find((e) => e.id === entity)?.name.insert(0, 'ShortLink')
  readEntities(doc).find((e) => e.id === entity)?.fields.insert(0, 'code, longUrl')
  const endpoint = addEndpoint(doc)
  readEndpoints(doc).find((e) => e.id === endpoint)?.path.insert(0, '/v1/links')
  updateTimer(doc, (timer) => startTimer(timer, T0))
  updateTimer(doc, (timer) => nextPhase(timer, T0 + 9 * 60_000))
  return doc
}

describe('room export', () => {
  it('E1: export, import into a new room, export again: the same canvas, session and scope', () => {
    const first = exportRoom(fixedRoom())
    const target = new Y.Doc()
    seedRoomDoc(target, { title: 'Other', problem: '', createdAt: 5 })
    seedInterview(target)
    const parsed = parseRoomExport(JSON.stringify(first))
    expect(parsed.ok).toBe(true)
    if (parsed.ok) importRoom(target, parsed.data)
    const second = exportRoom(target)
    expect({ ...second, meta: { ...second.meta, createdAt: 0 } }).toEqual({ ...first, meta: { ...first.meta, createdAt: 0 } })
    expect(second.tldraw.records.some((record) => record.id === 'shape:api')).toBe(true)
  })

  it('E2: bad files get a clear message and change nothing', () => {
    const room = fixedRoom()
    const before = Y.encodeStateAsUpdate(room)
    const good = exportRoom(room)
    const cases: Array<[string, RegExp]> = [
      ['not json', /not JSON/],
      ['{"hello":1}', /not a Boxes & Arrows room export/],
      [JSON.stringify({ ...good, version: 99 }), /damaged: version/],
      [JSON.stringify({ ...good, scope: { ...good.scope, functional: [{ text: 5 }] } }), /damaged: scope\.functional\.0\.text/],
      [JSON.stringify({ ...good, session: { ...good.session, plan: [] } }), /damaged: session\.plan/],
    ]
    for (const [text, message] of cases) {
      const parsed = parseRoomExport(text)
      expect(parsed.ok).toBe(false)
      if (!parsed.ok) expect(parsed.message).toMatch(message)
    }
    expect(Y.encodeStateAsUpdate(room)).toEqual(before)
  })
})

describe('session report', () => {
  it('R1: a fixed room gives exactly this Markdown', () => {
    const markdown = renderReportMarkdown(exportRoom(fixedRoom()), { at: T0 + 10 * 60_000, diagram: '![Diagram](diagram.svg)' })
    expect(markdown).toMatchInlineSnapshot(`
      "# Design a URL shortener

      Interview report · 2026-11-27 · in progress (High-level design)

      ## Problem

      Short links that redirect.

      ## Time per phase

      | Phase | Planned | Actual | Checklist |
      | --- | --- | --- | --- |
      | Scope | 8.0 min | 09:00 | 0/6 |
      | High-level design | 12.0 min | 01:00 | 0/5 |
      | Deep dive | 18.0 min | 00:00 | 0/7 |
      | Wrap-up | 5.0 min | 00:00 | 0/3 |

      ## Functional requirements

      | # | Requirement | Status | Proposed by |
      | --- | --- | --- | --- |
      | 1 | Users shorten a long URL | Agreed by Ivy (2026-11-27 10:01 UTC) | Cora |
      | 2 | Links expire \\| maybe | Proposed | Cora |

      ## Non-functional requirements

      | Quality | Target | Status |
      | --- | --- | --- |
      | Consistency vs availability | – | Proposed |
      | Scale and DAU | – | Proposed |
      | Latency | p99 < 200 ms | Proposed |
      | Durability | – | Proposed |
      | Security | – | Proposed |
      | Fault tolerance | – | Proposed |

      ## Capacity estimates

      | Input | Value |
      | --- | --- |
      | Daily active users | 100M |
      | Reads per user per day | 10 |

      | Derived | Value |
      | --- | --- |
      | Average read QPS | 11.6 K/s |
      | Peak read QPS | 34.7 K/s |

      ## Core entities

      - **ShortLink**: code, longUrl

      ## API

      | Style | Method | Path | Request | Response |
      | --- | --- | --- | --- | --- |
      | REST | GET | \`/v1/links\` | – | – |

      ## Diagram

      ![Diagram](diagram.svg)
      "
    `)
  })
})
