import {
  atom,
  createPresenceStateDerivation,
  InstancePresenceRecordType,
  react,
  UserRecordType,
  type TLInstancePresence,
  type TLStore,
} from '@tldraw/editor'
import type { Awareness } from 'y-protocols/awareness'
import type { Role } from '../sync/protocol'

/** Who a participant is, as announced over awareness. Never stored in the document. */
export interface Participant {
  clientId: number
  userId: string
  name: string
  color: string
  role: Role
}

interface AwarenessState {
  user?: Omit<Participant, 'clientId'>
  presence?: TLInstancePresence | null
}

/** Sends at most this many presence updates a second (cursor moves are frequent). */
const PRESENCE_PER_SECOND = 20

/**
 * Mirrors presence between a tldraw store and Yjs awareness: our cursor, camera and
 * selection go out; other participants come in as tldraw instance_presence records, which
 * draw their cursors and let us follow them.
 */
export function bindPresence(
  store: TLStore,
  awareness: Awareness,
  user: Omit<Participant, 'clientId'>,
): { dispose(): void } {
  awareness.setLocalStateField('user', user)
  const $user = atom('presence user', UserRecordType.create({
    id: presenceUserId(user.userId),
    name: user.name,
    color: user.color,
    meta: { role: user.role },
  }))
  const $presence = createPresenceStateDerivation($user, {
    instanceId: InstancePresenceRecordType.createId(String(awareness.clientID)),
  })(store)

  let timer: ReturnType<typeof setTimeout> | null = null
  const stopSending = react('send presence', () => {
    $presence.get()
    if (timer) return
    timer = setTimeout(() => {
      timer = null
      awareness.setLocalStateField('presence', $presence.get())
    }, 1000 / PRESENCE_PER_SECOND)
  })

  const receive = () => {
    const wanted = new Map<TLInstancePresence['id'], TLInstancePresence>()
    for (const [clientId, state] of awareness.getStates() as Map<number, AwarenessState>) {
      if (clientId === awareness.clientID || !state.presence) continue
      const id = InstancePresenceRecordType.createId(String(clientId))
      wanted.set(id, { ...state.presence, id })
    }
    const stale = store
      .query.records('instance_presence')
      .get()
      .filter((record) => !wanted.has(record.id))
      .map((record) => record.id)
    store.mergeRemoteChanges(() => {
      if (stale.length > 0) store.remove(stale)
      if (wanted.size > 0) store.put([...wanted.values()])
    })
  }
  awareness.on('change', receive)
  receive()

  return {
    dispose() {
      stopSending()
      if (timer) clearTimeout(timer)
      awareness.off('change', receive)
      awareness.setLocalStateField('presence', null)
    },
  }
}

/** Participants currently in the room, from awareness (including ourselves). */
export function readParticipants(awareness: Awareness): Participant[] {
  const participants: Participant[] = []
  for (const [clientId, state] of awareness.getStates() as Map<number, AwarenessState>) {
    if (state.user) participants.push({ clientId, ...state.user })
  }
  return participants
}

const COLORS = ['#e03131', '#1971c2', '#2f9e44', '#f08c00', '#9c36b5', '#0c8599', '#e8590c', '#5f3dc4']

export function colorForUser(userId: string): string {
  let hash = 0
  for (const char of userId) hash = (hash * 31 + char.charCodeAt(0)) | 0
  return COLORS[Math.abs(hash) % COLORS.length] ?? '#1971c2'
}

/** The id tldraw knows a participant by (in presence records, and for following). */
export function presenceUserId(userId: string): ReturnType<typeof UserRecordType.createId> {
  return UserRecordType.createId(userId)
}
