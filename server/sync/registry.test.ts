import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createRoom } from '../rooms/rooms'
import { RoomTokens } from '../rooms/tokens'
import { createMemoryStore } from '../store'
import { RoomRegistry } from './registry'
import { WriteQueue } from './write-queue'

function setup(unloadAfterMs = 20) {
  const store = createMemoryStore()
  const tokens = new RoomTokens(Buffer.from('x'.repeat(32)))
  const registry = new RoomRegistry({ store, writer: new WriteQueue(store), unloadAfterMs, snapshotEvery: 3 })
  return { store, registry, create: () => createRoom(store, tokens, { title: 'T' }, 'http://localhost') }
}

const peer = () => ({ role: 'candidate' as const, awarenessIds: new Set<number>(), socket: { send: () => undefined, close: () => undefined } })

describe('room registry', () => {
  it('R1: concurrent opens of one room share one load and one document', async () => {
    const { registry, create } = setup()
    const { roomId } = await create()
    const [a, b, c] = await Promise.all([registry.open(roomId), registry.open(roomId), registry.open(roomId)])
    expect(a).not.toBeNull()
    expect(b).toBe(a)
    expect(c).toBe(a)
    expect(registry.loadedCount).toBe(1)
  })

  it('R2: an unknown room opens as null and is not created', async () => {
    const { registry, store } = setup()
    expect(await registry.open('B'.repeat(24))).toBeNull()
    expect(await store.getRoom('B'.repeat(24))).toBeNull()
    expect(registry.loadedCount).toBe(0)
  })

  it('R3: a room unloads after its last connection leaves and a later open loads it afresh', async () => {
    const { registry, create } = setup()
    const { roomId } = await create()
    const room = await registry.open(roomId)
    const p = peer()
    expect(room?.join(p)).toBe(true)
    room?.leave(p)
    await new Promise((resolve) => setTimeout(resolve, 80))
    expect(registry.loadedCount).toBe(0)
    expect(room?.join(peer())).toBe(false)
    const again = await registry.open(roomId)
    expect(again).not.toBe(room)
  })

  it('R4: a room that is joined again before the unload delay stays loaded', async () => {
    const { registry, create } = setup(60)
    const { roomId } = await create()
    const room = await registry.open(roomId)
    const p = peer()
    room?.join(p)
    room?.leave(p)
    const reopened = await registry.open(roomId)
    reopened?.join(peer())
    await new Promise((resolve) => setTimeout(resolve, 120))
    expect(reopened).toBe(room)
    expect(registry.loadedCount).toBe(1)
  })

  it('R5: two rooms opened at once load into separate documents', async () => {
    const { registry, create } = setup()
    const first = await create()
    const second = await create()
    const [a, b] = await Promise.all([registry.open(first.roomId), registry.open(second.roomId)])
    expect(a?.roomId).toBe(first.roomId)
    expect(b?.roomId).toBe(second.roomId)
    const doc = a?.doc as Y.Doc
    expect(doc).not.toBe(b?.doc)
  })
})
