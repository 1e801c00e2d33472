'use client'

import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { useEffect, useState } from 'react'
import { IndexeddbPersistence } from 'y-indexeddb'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { getRoomRecords } from '@/lib/room-doc/layout'
import { isUsableRoom } from '@/lib/tldraw-binding/binding'
import { CloseCode, MessageType, ROLE_REFUSAL_REASON } from '@/lib/sync/protocol'
import { changedKeys, SaveTracker } from '@/lib/sync/save-tracker'
import { ServerClock } from '@/lib/session/clock'

export type ConnectionState =
  | { kind: 'connecting' }
  | { kind: 'live'; unsaved: number }
  | { kind: 'offline'; unsaved: number }
  | { kind: 'reconnecting'; unsaved: number }
  | { kind: 'closed'; code: number; reason: string }

export interface RoomConnection {
  doc: Y.Doc
  /** The server's clock, estimated from probes over the sync connection. */
  clock: ServerClock
  provider: WebsocketProvider
  /** True once the document holds the room (from the server or this device's copy). */
  ready: boolean
  state: ConnectionState
}

const unsavedKey = (roomId: string) => `boxes:unsaved:${roomId}`

function syncUrl(): string {
  const { protocol, host } = window.location
  return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}/sync`
}

/**
 * Opens a room's document: this device's copy from IndexedDB, then the live sync server.
 * Everything is created inside the effect and destroyed in its cleanup (StrictMode runs
 * effects twice). No token: nothing is opened.
 */
export function useRoomConnection(roomId: string, token: string | null): RoomConnection | null {
  const [connection, setConnection] = useState<RoomConnection | null>(null)

  useEffect(() => {
    if (token === null) return
    const doc = new Y.Doc()
    const local = new IndexeddbPersistence(`boxes:${roomId}`, doc)
    const provider = new WebsocketProvider(syncUrl(), roomId, doc, {
      params: { token },
      disableBc: true,
      connect: navigator.onLine,
    })
    const tracker = new SaveTracker((check) => {
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, MessageType.saveCheck)
      encoding.writeVarUint(encoder, check)
      if (provider.ws?.readyState === WebSocket.OPEN) provider.ws.send(encoding.toUint8Array(encoder))
    }, Number(localStorage.getItem(unsavedKey(roomId)) ?? 0) || 0)
    provider.messageHandlers[MessageType.saveCheck] = (_encoder, decoder: decoding.Decoder) => {
      tracker.confirmed(decoding.readVarUint(decoder))
    }

    const clock = new ServerClock()
    provider.messageHandlers[MessageType.time] = (_encoder, decoder: decoding.Decoder) => {
      const sentAt = decoding.readFloat64(decoder)
      const serverTime = decoding.readFloat64(decoder)
      clock.addSample({ sentAt, serverTime, receivedAt: Date.now() })
    }
    const probeClock = () => {
      if (provider.ws?.readyState !== WebSocket.OPEN) return
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, MessageType.time)
      encoding.writeFloat64(encoder, Date.now())
      provider.ws.send(encoding.toUint8Array(encoder))
    }
    const probeTimers: Array<ReturnType<typeof setTimeout>> = []
    const probeInterval = setInterval(probeClock, 15_000)

    let closedCode: number | null = null
    let closedReason = ''
    let everSynced = false
    let ready = false
    // Called on every transaction (remote edits included): the page re-renders only when what
    // it shows changed, not once per remote edit.
    let storedUnsaved: number | null = null
    let published = ''
    const publish = () => {
      const unsaved = tracker.unsavedCount
      if (unsaved !== storedUnsaved) {
        localStorage.setItem(unsavedKey(roomId), String(unsaved))
        storedUnsaved = unsaved
      }
      let state: ConnectionState
      if (closedCode !== null) state = { kind: 'closed', code: closedCode, reason: closedReason }
      else if (provider.wsconnected && provider.synced) state = { kind: 'live', unsaved }
      else if (!navigator.onLine) state = { kind: 'offline', unsaved }
      else if (everSynced) state = { kind: 'reconnecting', unsaved }
      else state = { kind: 'connecting' }
      const key = JSON.stringify([ready, state])
      if (key === published) return
      published = key
      setConnection({ doc, clock, provider, ready, state })
    }

    const onTransaction = (transaction: Y.Transaction) => {
      if (!ready && isUsableRoom(getRoomRecords(doc))) ready = true
      if (transaction.origin !== provider && transaction.origin !== local && transaction.changed.size > 0) {
        tracker.localChange(changedKeys(transaction))
      } else publish()
    }
    doc.on('afterTransaction', onTransaction)
    local.on('synced', () => {
      ready = ready || isUsableRoom(getRoomRecords(doc))
      publish()
    })
    provider.on('sync', (synced: boolean) => {
      if (synced) {
        everSynced = true
        tracker.synced()
        // A burst of probes right away: the one with the shortest round trip wins.
        for (let i = 0; i < 5; i += 1) probeTimers.push(setTimeout(probeClock, i * 150))
      }
      publish()
    })
    provider.on('status', ({ status }: { status: string }) => {
      if (status === 'disconnected') tracker.disconnected()
      publish()
    })
    provider.on('connection-close', (event: CloseEvent | null) => {
      // 44xx: the server decided (not found, forbidden...); retrying cannot help.
      if (event && event.code >= 4400 && event.code < 4500) {
        closedCode = event.code
        closedReason = event.reason
      }
      publish()
    })
    const unsubscribe = tracker.onChange(publish)
    const goOffline = () => {
      provider.disconnect()
      publish()
    }
    const goOnline = () => {
      if (closedCode === null) provider.connect()
      publish()
    }
    window.addEventListener('offline', goOffline)
    window.addEventListener('online', goOnline)
    publish()

    return () => {
      clearInterval(probeInterval)
      probeTimers.forEach(clearTimeout)
      window.removeEventListener('offline', goOffline)
      window.removeEventListener('online', goOnline)
      unsubscribe()
      doc.off('afterTransaction', onTransaction)
      setConnection(null)
      provider.destroy()
      void local.destroy()
      doc.destroy()
    }
  }, [roomId, token])

  return connection
}

export function describeCloseCode(code: number, reason = ''): { title: string; detail: string } {
  if (code === CloseCode.forbidden && reason === ROLE_REFUSAL_REASON) {
    return {
      title: 'A change was refused',
      detail: 'Only the interviewer runs the timer, decides on requirements and renames the room. Reload to continue from the room as the server has it.',
    }
  }
  switch (code) {
    case CloseCode.noToken:
    case CloseCode.forbidden:
      return { title: 'This link does not open this room', detail: 'Ask the interviewer for a fresh link.' }
    case CloseCode.notFound:
      return { title: 'Room not found', detail: 'The link may be mistyped, or the room no longer exists.' }
    case CloseCode.clientOutdated:
      return { title: 'A newer version is available', detail: 'Reload the page to keep working in this room.' }
    case CloseCode.tooLarge:
      return { title: 'That change is too large', detail: 'The server refused a change over its size limit. Reload to continue; split very large imports into parts.' }
    case CloseCode.badMessage:
      return { title: 'The connection was closed', detail: 'The server could not read a message from this page. Reload to continue.' }
    case CloseCode.rateLimited:
      return { title: 'Too many changes at once', detail: 'The server paused this connection. Reload to continue.' }
    default:
      return { title: 'The connection was closed', detail: `Reload the page to reconnect (code ${code}).` }
  }
}
