import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { MessageType } from '../../lib/sync/protocol'
import type { RoomContent } from '../store/room-store'

/**
 * Below this many stored bytes a room builds its document in a few milliseconds, and a load
 * answers nobody from the store: it builds the document at once.
 */
export const STORED_REPLY_MIN_BYTES = 64 * 1024

/**
 * How long a load that can answer from the store waits for its first client to speak before it
 * builds the document anyway. Clients ask for the document as soon as their connection opens,
 * one round trip after the server accepted it; any frame ends the wait.
 */
export const FIRST_FRAME_WAIT_MS = 250

/** Sync step 1 of a client that has nothing: `[sync, step 1, a state vector of 0 clients]`. */
const REQUEST_FOR_EVERYTHING = [MessageType.sync, syncProtocol.messageYjsSyncStep1, 1, 0]

export function asksForEverything(frame: Uint8Array): boolean {
  return frame.length === REQUEST_FOR_EVERYTHING.length && REQUEST_FOR_EVERYTHING.every((byte, i) => frame[i] === byte)
}

export interface StoredReply {
  frames: Uint8Array[]
  bytes: number
}

export type SnapshotContent = RoomContent & { snapshot: NonNullable<RoomContent['snapshot']> }

/**
 * Whether a loading room answers a client that has nothing from its stored content rather than
 * from its document: only a large room, with a snapshot and no more updates after it than a
 * snapshot lets pile up (merging many updates is slow).
 */
export function answersFromStore(content: RoomContent, maxUpdatesAfterSnapshot: number): content is SnapshotContent {
  const { snapshot, updates } = content
  if (!snapshot || updates.length > maxUpdatesAfterSnapshot) return false
  return updates.reduce((sum, { update }) => sum + update.byteLength, snapshot.data.byteLength) >= STORED_REPLY_MIN_BYTES
}

/**
 * The answer to a client that has nothing, from stored content alone (applying a 3.8 MB
 * snapshot to a document takes half a second): the updates after the snapshot merged into one
 * update frame, then the snapshot as sync step 2, so the client holds everything stored once
 * step 2 arrives. The update goes first although it waits in the client for the snapshot:
 * Yjs keeps it pending and integrates it with step 2.
 */
export function storedReply({ snapshot, updates }: SnapshotContent): StoredReply {
  const frames: Uint8Array[] = []
  if (updates.length > 0) frames.push(syncFrame(syncProtocol.messageYjsUpdate, Y.mergeUpdates(updates.map((u) => u.update))))
  frames.push(syncFrame(syncProtocol.messageYjsSyncStep2, snapshot.data))
  return { frames, bytes: frames.reduce((sum, frame) => sum + frame.byteLength, 0) }
}

function syncFrame(syncType: number, update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  encoding.writeVarUint(encoder, syncType)
  encoding.writeVarUint8Array(encoder, update)
  return encoding.toUint8Array(encoder)
}
