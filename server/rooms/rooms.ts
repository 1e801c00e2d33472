import { randomBytes } from 'node:crypto'
import * as Y from 'yjs'
import { seedRoomDoc } from '../../lib/room-doc'
import { seedInterview } from '../../lib/room-doc/interview'
import { DEFAULT_PLAN, PHASE_IDS } from '../../lib/session'
import { privateDocName } from '../../lib/room-doc/layout'
import { seedPrivateNotes } from '../../lib/room-doc/private-notes'
import { isRoomId, Role } from '../../lib/sync/protocol'
import type { RoomStore, StoredRoom } from '../store/room-store'
import { docFromContent } from '../store/room-content'
import { serverDoc } from '../store/server-doc'
import type { RoomTokens } from './tokens'
import type { NewRoom } from '../../lib/rooms/api'
import { exportRoom, type RoomExport } from '../../lib/room-export/room-export'

export type RoomLinks = Record<Role, string>

export function newRoomId(): string {
  return randomBytes(18).toString('base64url')
}

export function roomLinks(tokens: RoomTokens, room: StoredRoom, origin: string): RoomLinks {
  const link = (role: Role) => `${origin}/r/${room.roomId}#token=${tokens.tokenFor(room, role)}`
  return { interviewer: link('interviewer'), candidate: link('candidate'), reviewer: link('reviewer') }
}

/** Creates and seeds a room; the document exists before anyone can connect to it. */
export async function createRoom(
  store: RoomStore,
  tokens: RoomTokens,
  input: NewRoom,
  origin: string,
): Promise<{ roomId: string; links: RoomLinks }> {
  const room: StoredRoom = {
    roomId: newRoomId(),
    createdAt: Date.now(),
    linkGenerations: { interviewer: 1, candidate: 1, reviewer: 1 },
  }
  const doc = serverDoc(room.roomId)
  seedRoomDoc(doc, { title: input.title, problem: input.problem ?? '', createdAt: room.createdAt })
  const phases = input.phases
  seedInterview(doc, phases ? DEFAULT_PLAN.map((phase) => ({ ...phase, minutes: phases[phase.id] })) : DEFAULT_PLAN)
  await store.createRoom(room, Y.encodeStateAsUpdate(doc))
  doc.destroy()
  // The interviewer's notes: a document of its own, which the sync server opens only for interviewers.
  const notesId = privateDocName(room.roomId)
  const notes = serverDoc(notesId)
  seedPrivateNotes(notes, PHASE_IDS)
  await store.createRoom({ ...room, roomId: notesId }, Y.encodeStateAsUpdate(notes))
  notes.destroy()
  return { roomId: room.roomId, links: roomLinks(tokens, room, origin) }
}

export { checkRoomAccess, type RoomAccess } from './access'

/** Rebuilds a room's document from the store (everything broadcast is stored first). */
export async function loadRoomDoc(store: RoomStore, roomId: string): Promise<Y.Doc | null> {
  const content = await store.loadRoomContent(roomId)
  return content ? docFromContent(content, roomId).doc : null
}

export async function exportStoredRoom(store: RoomStore, roomId: string): Promise<RoomExport | null> {
  const doc = await loadRoomDoc(store, roomId)
  if (!doc) return null
  try {
    return exportRoom(doc)
  } finally {
    doc.destroy()
  }
}

/** Bumps one role's link generation; `closeRole` ends the connections made with the old link. */
export async function rotateLink(
  store: RoomStore,
  roomId: string,
  role: 'candidate' | 'reviewer',
  closeRole: (roomId: string, role: Role) => void,
): Promise<StoredRoom> {
  const room = await store.getRoom(roomId)
  if (!room) throw new Error(`room ${roomId} not found`)
  const generation = room.linkGenerations[role] + 1
  await store.setLinkGeneration(roomId, role, generation)
  closeRole(roomId, role)
  return { ...room, linkGenerations: { ...room.linkGenerations, [role]: generation } }
}
