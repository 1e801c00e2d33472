import * as encoding from 'lib0/encoding'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { getRoomMeta, getRoomRecords, RoomMetaKey } from '../../lib/room-doc'
import { readNonFunctional, setRequirementStatus, updateTimer } from '../../lib/room-doc/interview'
import { startTimer } from '../../lib/session'
import { CloseCode, MessageType, type Role } from '../../lib/sync/protocol'
import { connectClient, eventually, startTestServer, tokenOf, type TestClient } from '../testing/harness'

/**
 * Every role against every document and action, over real WebSockets: what each link may
 * read and write is decided by the server, whatever the client sends.
 */

type Outcome = 'stored' | 'ignored' | 'refused'

interface Action {
  name: string
  doc: 'room' | 'private'
  write(doc: Y.Doc): void
  /** Reads back what `write` wrote, from a document that may or may not have it. */
  written(doc: Y.Doc): boolean
}

const ACTIONS: Action[] = [
  {
    name: 'draw on the board',
    doc: 'room',
    write: (doc) => {
      const entry = new Y.Map<unknown>()
      getRoomRecords(doc).set('shape:matrix', entry)
      entry.set('base', { id: 'shape:matrix', typeName: 'shape', type: 'geo', x: 1, y: 2 })
    },
    written: (doc) => getRoomRecords(doc).has('shape:matrix'),
  },
  {
    name: 'tick a checklist item',
    doc: 'room',
    write: (doc) => doc.getMap('checklist').set('scope.functional', { by: 'x', at: 1 }),
    written: (doc) => doc.getMap('checklist').has('scope.functional'),
  },
  {
    name: 'start the timer',
    doc: 'room',
    write: (doc) => updateTimer(doc, (timer) => startTimer(timer, 1_000)),
    written: (doc) => (doc.getMap('session').get('timer') as { status?: string } | undefined)?.status === 'running',
  },
  {
    name: 'agree a requirement',
    doc: 'room',
    write: (doc) => void setRequirementStatus(doc, 'nonFunctional', readNonFunctional(doc)[0]!.id, 'agreed', { name: 'x', role: 'interviewer' }, 1),
    written: (doc) => readNonFunctional(doc)[0]?.status === 'agreed',
  },
  {
    name: 'rename the room',
    doc: 'room',
    write: (doc) => getRoomMeta(doc).set(RoomMetaKey.title, 'Renamed'),
    written: (doc) => getRoomMeta(doc).get(RoomMetaKey.title) === 'Renamed',
  },
  {
    name: 'write private notes',
    doc: 'private',
    write: (doc) => doc.getMap('notes').set('scope', new Y.Text('secret')),
    written: (doc) => doc.getMap('notes').get('scope')?.toString() === 'secret',
  },
]

const EXPECTED: Record<Role, Record<string, Outcome>> = {
  interviewer: { 'draw on the board': 'stored', 'tick a checklist item': 'stored', 'start the timer': 'stored', 'agree a requirement': 'stored', 'rename the room': 'stored', 'write private notes': 'stored' },
  candidate: { 'draw on the board': 'stored', 'tick a checklist item': 'stored', 'start the timer': 'refused', 'agree a requirement': 'refused', 'rename the room': 'refused', 'write private notes': 'refused' },
  reviewer: { 'draw on the board': 'ignored', 'tick a checklist item': 'ignored', 'start the timer': 'ignored', 'agree a requirement': 'ignored', 'rename the room': 'ignored', 'write private notes': 'refused' },
}

let srv: Awaited<ReturnType<typeof startTestServer>>
const clients: TestClient[] = []
beforeAll(async () => {
  srv = await startTestServer()
})
afterAll(async () => {
  clients.forEach((client) => client.destroy())
  await srv.stop()
  srv.removeData()
})

function connect(docName: string, token: string): TestClient {
  const client = connectClient(srv.url, docName, token)
  clients.push(client)
  return client
}

/**
 * Sends a clock probe after everything the client sent and waits for its answer: the server
 * reads a connection's frames in order, so by then it has handled the write.
 */
async function roundTrip(client: TestClient): Promise<void> {
  const ws = client.provider.ws as unknown as WebSocket
  const answered = new Promise<void>((resolve) => {
    const onMessage = (event: { data: unknown }) => {
      const data = new Uint8Array(event.data as ArrayBuffer)
      if (data[0] !== MessageType.time) return
      ws.removeEventListener('message', onMessage)
      resolve()
    }
    ws.addEventListener('message', onMessage)
  })
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.time)
  encoding.writeFloat64(encoder, Date.now())
  ws.send(encoding.toUint8Array(encoder))
  await answered
}

describe('role matrix (sync)', () => {
  for (const role of ['interviewer', 'candidate', 'reviewer'] as const) {
    for (const action of ACTIONS) {
      const expected = EXPECTED[role][action.name]
      it(`${role}: ${action.name} -> ${expected}`, async () => {
        const { roomId, links } = await srv.createRoom()
        const docName = action.doc === 'private' ? `${roomId}/private` : roomId
        const actor = connect(docName, tokenOf(links[role]))
        if (expected === 'refused' && action.doc === 'private') {
          // Not even opened: the private document is the interviewer's alone.
          await eventually(() => expect(actor.closeCodes).toContain(CloseCode.forbidden))
          expect(actor.doc.getMap('notes').size).toBe(0)
          return
        }
        await actor.synced
        const logBefore = (await srv.store.readUpdateLog(docName)).length
        action.write(actor.doc)
        if (expected === 'refused') await eventually(() => expect(actor.closeCodes).toContain(CloseCode.forbidden))
        else await roundTrip(actor)
        // A witness (the interviewer, after the fact) sees exactly what the server kept.
        const witness = connect(docName, tokenOf(links.interviewer))
        await witness.synced
        if (expected === 'stored') await eventually(() => expect(action.written(witness.doc)).toBe(true))
        else {
          expect((await srv.store.readUpdateLog(docName)).length).toBe(logBefore)
          expect(action.written(witness.doc)).toBe(false)
        }
        if (expected !== 'refused') expect(actor.closeCodes).toEqual([])
      })
    }
  }
})
