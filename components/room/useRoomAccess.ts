'use client'

import { useEffect, useState } from 'react'
import { readRoomAccessInfo, type RoomAccessInfo } from '@/lib/rooms/access-info'
import { checkAccess } from './access-request'

export type AccessState =
  | { kind: 'loading' }
  | { kind: 'granted'; info: RoomAccessInfo }
  | { kind: 'refused'; status: number }

const cacheKey = (roomId: string) => `boxes:access:${roomId}`

/**
 * Asks the server what this link grants. The answer is kept on this device so that a room
 * opened before still opens while the network is down.
 */
export function useRoomAccess(roomId: string, token: string | null): AccessState {
  const [state, setState] = useState<AccessState>({ kind: 'loading' })
  useEffect(() => {
    if (!token) return
    let cancelled = false
    const fromCache = (): RoomAccessInfo | null => {
      try {
        return readRoomAccessInfo(JSON.parse(localStorage.getItem(cacheKey(roomId)) ?? 'null'))
      } catch {
        return null // not JSON
      }
    }
    checkAccess(roomId, token)
      .then(({ ok, status, body }) => {
        if (cancelled) return
        if (!ok) {
          localStorage.removeItem(cacheKey(roomId))
          return setState({ kind: 'refused', status })
        }
        const info = readRoomAccessInfo(body)
        if (!info) throw new Error('the server answered the link check with something other than an access answer')
        localStorage.setItem(cacheKey(roomId), JSON.stringify(info))
        setState({ kind: 'granted', info })
      })
      .catch(() => {
        if (cancelled) return
        const cached = fromCache()
        setState(cached ? { kind: 'granted', info: cached } : { kind: 'refused', status: 0 })
      })
    return () => {
      cancelled = true
    }
  }, [roomId, token])
  return state
}
