/**
 * The least a sync server can do, for the benchmark runner: a WebSocket relay that speaks just
 * enough of the y-websocket protocol for stock providers, and does nothing else. No document,
 * no storage, no validation: it answers a client's sync step 1 with an empty step 2, and
 * passes each update to the room's other connections and each presence change that advances a
 * client's clock to all of them. What it costs is what the machine charges any server for
 * moving these frames (sockets, framing, the event loop), so its figures are a floor for this
 * machine and load generator: a load it cannot carry within a limit, no server can.
 *   node --expose-gc --import tsx bench/relay-server.ts
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { WebSocketServer, type WebSocket } from 'ws'
import * as syncProtocol from 'y-protocols/sync'
import { MessageType } from '../lib/sync/protocol'
import { sendToParent } from './messages'
import { answerRunner } from './probe'

/** Sync step 2 carrying an empty document (an update with no structs and no deletions). */
const EMPTY_STEP2 = (() => {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2)
  encoding.writeVarUint8Array(encoder, new Uint8Array([0, 0]))
  return encoding.toUint8Array(encoder)
})()

interface RelayRoom {
  sockets: Set<WebSocket>
  /** Presence clock of each client id seen, to pass on only what advances one. */
  clocks: Map<number, number>
}

const rooms = new Map<string, RelayRoom>()

/** True when a presence update carries an entry newer than the room has seen. */
function advancesPresence(room: RelayRoom, frame: Uint8Array): boolean {
  const decoder = decoding.createDecoder(frame)
  decoding.readVarUint(decoder)
  const update = decoding.createDecoder(decoding.readVarUint8Array(decoder))
  let advanced = false
  for (let entries = decoding.readVarUint(update); entries > 0; entries--) {
    const clientId = decoding.readVarUint(update)
    const clock = decoding.readVarUint(update)
    decoding.readVarString(update)
    if ((room.clocks.get(clientId) ?? -1) < clock) {
      room.clocks.set(clientId, clock)
      advanced = true
    }
  }
  return advanced
}

const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false })

server.on('connection', (socket, request) => {
  const roomId = (request.url ?? '/').split('?')[0] ?? '/'
  let room = rooms.get(roomId)
  if (!room) rooms.set(roomId, (room = { sockets: new Set(), clocks: new Map() }))
  const joined = room
  joined.sockets.add(socket)
  socket.on('message', (data: Buffer) => {
    try {
      if (data[0] === MessageType.sync) {
        if (data[1] === syncProtocol.messageYjsSyncStep1) socket.send(EMPTY_STEP2)
        else if (data[1] === syncProtocol.messageYjsUpdate) {
          for (const other of joined.sockets) if (other !== socket) other.send(data)
        }
      } else if (data[0] === MessageType.awareness && advancesPresence(joined, data)) {
        for (const other of joined.sockets) other.send(data)
      }
    } catch {
      socket.close(1003, 'malformed message')
    }
  })
  socket.on('close', () => {
    joined.sockets.delete(socket)
    if (joined.sockets.size === 0) rooms.delete(roomId)
  })
})

server.on('listening', () => {
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  answerRunner(() => rooms.size)
  console.log(`relay on port ${port}`)
  sendToParent({ type: 'ready', port })
})

process.on('SIGTERM', () => server.close(() => process.exit(0)))
