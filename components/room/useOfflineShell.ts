'use client'

import { useEffect } from 'react'

/**
 * Registers the service worker (lib/offline/service-worker.ts) that keeps this page and its
 * files, so the room opens again while offline, and hands it what the page loaded before it
 * ran. Sets `data-offline-ready` on <html> once they are kept. Production builds only: in
 * development a kept page would hide code changes.
 *
 * Starts once `boardReady` (the editor has mounted on the room), when the page is next idle.
 * Installing the worker starts a thread and fetches every file of the page again; registered at
 * the workspace's first render, that ran while tldraw was still mounting.
 */
export function useOfflineShell(boardReady: boolean): void {
  useEffect(() => {
    if (!boardReady || !('serviceWorker' in navigator)) return
    if (process.env.NODE_ENV !== 'production') {
      // A worker left by a production build on this origin would serve its kept files to development.
      void navigator.serviceWorker.getRegistrations().then((registrations) => registrations.forEach((registration) => void registration.unregister()))
      return
    }
    let cancelled = false
    const keep = async () => {
      const registration = await navigator.serviceWorker.ready
      // The panels' code loads once the editor has mounted; on a slow network it may still be on
      // its way. It is kept with the rest, or the room would open offline without its panels.
      await import('./later-panels').catch(() => {})
      const urls = [
        window.location.pathname,
        ...performance.getEntriesByType('resource').map((entry) => entry.name),
      ].filter((url) => new URL(url, window.location.origin).origin === window.location.origin)
      const channel = new MessageChannel()
      const kept = new Promise<void>((resolve) => (channel.port1.onmessage = () => resolve()))
      registration.active?.postMessage({ type: 'keep', urls }, [channel.port2])
      await kept
      if (!cancelled) document.documentElement.dataset.offlineReady = 'true'
    }
    const register = () => {
      navigator.serviceWorker
        .register('/sw.js', { scope: '/' })
        .then(keep)
        .catch((error: unknown) => console.warn('This page will not open offline:', error))
    }
    // Safari has no requestIdleCallback: a short timer there.
    const idle = typeof requestIdleCallback === 'function' ? requestIdleCallback(register, { timeout: 2_000 }) : null
    const timer = idle === null ? setTimeout(register, 500) : null
    return () => {
      cancelled = true
      if (idle !== null) cancelIdleCallback(idle)
      if (timer !== null) clearTimeout(timer)
    }
  }, [boardReady])
}
