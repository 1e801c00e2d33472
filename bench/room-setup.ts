/**
 * What creating a room and rebuilding its document cost the server, in microseconds per room
 * (median of 5 rounds of 300, memory store, so only the server's own work is timed):
 *   node --import tsx bench/room-setup.ts
 */
import { createRoom } from '../server/rooms/rooms'
import { RoomTokens } from '../server/rooms/tokens'
import { createMemoryStore } from '../server/store'
import { docFromContent } from '../server/store/room-content'

const ROUNDS = 5
const ROOMS = 300

const store = createMemoryStore()
const tokens = new RoomTokens(Buffer.alloc(32, 7))
const created: number[] = []
const rebuilt: number[] = []
for (let round = 0; round < ROUNDS; round++) {
  const ids: string[] = []
  let started = performance.now()
  for (let i = 0; i < ROOMS; i++) ids.push((await createRoom(store, tokens, { title: `room ${i}` }, 'http://localhost')).roomId)
  created.push(((performance.now() - started) / ROOMS) * 1000)
  const contents = await Promise.all(ids.map((id) => store.loadRoomContent(id)))
  started = performance.now()
  contents.forEach((content, i) => content && docFromContent(content, ids[i]).doc.destroy())
  rebuilt.push(((performance.now() - started) / ROOMS) * 1000)
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!.toFixed(0)
console.log(`createRoom: ${median(created)} us per room (rounds: ${created.map((v) => v.toFixed(0)).join(', ')})`)
console.log(`docFromContent of a new room: ${median(rebuilt)} us (rounds: ${rebuilt.map((v) => v.toFixed(0)).join(', ')})`)
