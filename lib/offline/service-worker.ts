/**
 * The service worker that lets a room page open with no network: it keeps the pages, scripts,
 * styles, fonts and icons the page used, so that a reload while offline finds them; the
 * board itself comes from the browser's IndexedDB copy (y-indexeddb). Compiled to
 * public/sw.js by scripts/build-service-worker.mjs at build time; registered by the room
 * page in production builds only.
 *
 * Pages and everything else are fetched from the network first (a deploy shows at once) and
 * fall back to the kept copy; Next's hashed build files and tldraw's assets never change
 * under one name, so they are served from the copy first. The API and sync are never kept.
 */

// The DOM library is in scope for the rest of the app; these are the worker types used here.
interface ExtendableEvent extends Event {
  waitUntil(work: Promise<unknown>): void
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request
  respondWith(response: Promise<Response>): void
}
interface ExtendableMessageEvent extends ExtendableEvent {
  readonly data: unknown
  readonly ports: readonly MessagePort[]
}
interface WorkerScope {
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void
  addEventListener(type: 'message', listener: (event: ExtendableMessageEvent) => void): void
  skipWaiting(): Promise<void>
  readonly clients: { claim(): Promise<void> }
  readonly location: Location
}

const worker = self as unknown as WorkerScope
const CACHE = 'boxes-offline-v1'

/** A message from the page: keep these same-origin URLs (what it loaded before the worker ran). */
interface KeepMessage {
  type: 'keep'
  urls: string[]
}

worker.addEventListener('install', (event) => event.waitUntil(worker.skipWaiting()))

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name)
      await worker.clients.claim()
    })(),
  )
})

worker.addEventListener('fetch', (event) => {
  const { request } = event
  if (request.method !== 'GET') return
  const url = new URL(request.url)
  if (url.origin !== worker.location.origin || neverKept(url)) return
  event.respondWith(isImmutable(url) ? cacheFirst(request) : networkFirst(request))
})

worker.addEventListener('message', (event) => {
  const message = event.data as KeepMessage | null
  if (message?.type !== 'keep' || !Array.isArray(message.urls)) return
  const reply = event.ports[0]
  event.waitUntil(
    keepAll(message.urls.filter((entry): entry is string => typeof entry === 'string')).then(
      (kept) => reply?.postMessage({ type: 'kept', count: kept }),
      () => reply?.postMessage({ type: 'kept', count: 0 }),
    ),
  )
})

function neverKept(url: URL): boolean {
  return url.pathname.startsWith('/api/') || url.pathname.startsWith('/sync/') || url.pathname === '/sw.js'
}

function isImmutable(url: URL): boolean {
  return url.pathname.startsWith('/_next/static/') || url.pathname.startsWith('/tldraw-assets/')
}

async function networkFirst(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE)
  try {
    const response = await fetch(request)
    if (response.ok && response.type === 'basic') await cache.put(request.url, response.clone())
    return response
  } catch (error) {
    const kept = await cache.match(request.url)
    if (kept) return kept
    throw error
  }
}

async function cacheFirst(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE)
  const kept = await cache.match(request.url)
  if (kept) return kept
  const response = await fetch(request)
  if (response.ok && response.type === 'basic') await cache.put(request.url, response.clone())
  return response
}

/** Fetches and keeps each URL of this origin not kept yet; returns how many are kept now. */
async function keepAll(urls: string[]): Promise<number> {
  const cache = await caches.open(CACHE)
  let kept = 0
  for (const entry of new Set(urls)) {
    const url = new URL(entry, worker.location.origin)
    url.hash = ''
    if (url.origin !== worker.location.origin || neverKept(url)) continue
    if (!isImmutable(url) || !(await cache.match(url.href))) {
      const response = await fetch(url.href, { credentials: 'same-origin' }).catch(() => null)
      if (!response?.ok) continue
      await cache.put(url.href, response)
    }
    kept += 1
  }
  return kept
}
