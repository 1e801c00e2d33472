/**
 * Scenario 7, Browser: what the room page costs in Chromium next to tldraw alone.
 *   npm run bench -- --only=browser [--quick] [--no-build] [--moves-only]
 *   BENCH_BROWSER_PROFILE=<dir>: also writes a CPU profile of each page load (navigation to editable)
 *   to <dir>, for bench/cpu-profile.ts.
 *
 * It builds the app (`npm run build`, skipped with --no-build), starts the real server
 * (server/main.ts, production build, a temporary DATA_DIR) and drives /usr/bin/chromium
 * (headless, no GPU) with Playwright. Three figures:
 *
 * 1. Time to an editable canvas: navigation start to the `boxes:editable` performance mark
 *    (lib/perf/marks.ts), in a fresh browser context each load (no HTTP cache, no IndexedDB,
 *    no service worker). Room page: the tldraw editor is mounted, the room's records are in
 *    its store and the connection is live (components/room/RoomWorkspace.tsx). Bare page
 *    (/bench/bare, components/bench): tldraw alone, loaded exactly as the room canvas loads
 *    it; with `?shapes=N` its store holds a room's page and the same N rectangles before
 *    the editor mounts (as a room's store does once loaded), so a 5,000-shape room is
 *    compared with tldraw mounting on the same 5,000 shapes. "Painted" is
 *    the end of the first frame after the mark in which the canvas shows a shape (any frame
 *    for an empty board): the mark can come before tldraw has rendered the shapes.
 *    Cases take turns (bare, room, bare 5k, room 5k, then the reverse...) after one
 *    uncounted round, so drifting load on the machine hits all of them alike.
 * 2. JavaScript: every response of resource type 'script' of one load (until 1 s after the
 *    mark), each body gzipped in Node (zlib, level 6) and summed. Inline scripts in the HTML
 *    (Next's flight data) are not counted. Measured in loads of their own after the timed
 *    ones: reading every body over the DevTools protocol and gzipping it in the runner takes
 *    CPU from the page while it loads, and more for the page with more scripts.
 * 3. Remote move: two contexts in one room. In A, real keyboard input (arrow keys, tldraw's
 *    1 px nudge) moves a selected shape; a capture listener stamps each keydown. In B a
 *    MutationObserver sees the shape's transform change, and the time is taken after the next
 *    animation frame (requestAnimationFrame, then a posted message, i.e. once that frame has
 *    been produced). One move at a time, 150-350 ms apart; both pages read
 *    performance.timeOrigin + performance.now(), one machine's clock (A and B are separate
 *    renderer processes, whose time origins agree to well under a millisecond).
 *
 * What limits the figures: the machine is a shared 2-core box, and Chromium (browser, GPU
 * and two renderer processes), the Node server and the runner all share those cores, so
 * other work on the machine shows up directly; compare figures within one run. Headless
 * Chromium without a GPU rasterises in software and its frames are not a real display's
 * vsync. Loopback has no network latency or bandwidth limit, so transfer size does not show
 * in the times, only parse and compile cost does. The server runs in production mode, but
 * warm: one uncounted round loads every route once.
 */
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { AppServer } from '../e2e/app-server'
import { CHROMIUM_LAUNCH } from '../e2e/chromium'
import { benchGeoShape } from '../lib/perf/bench-board'
import { EDITABLE_MARK, type EditableDetail } from '../lib/perf/marks'
import { getRoomRecords } from '../lib/room-doc/layout'
import { writeRoomRecord } from '../lib/tldraw-binding/record-codec'
import { CreatedRoom } from '../lib/rooms/api'
import { boardUpdate, countShapes } from './board'
import { machineBusySeconds, ROOT } from './processes'
import { kib, ms, percentile, ratio, sortedOf, table } from './stats'

export interface BrowserBenchHooks {
  quick: boolean
  log(message: string): void
  report(section: { title: string; body: string }): void
}

const VIEWPORT = { width: 1280, height: 800 }
const BIG_ROOM_SHAPES = 5_000
/** Floors from issue 6. */
const FLOORS = { editableRatio: 1.25, jsRatio: 1.15, movePaintedP50Ms: 50 }
/** After the mark, how long further script loads still count as the page's. */
const SCRIPT_SETTLE_MS = 1_000
const LOAD_TIMEOUT_MS = 120_000
const MOVE_TIMEOUT_MS = 5_000
/** The moved shape: bench-303 sits at (360, 360), clear of tldraw's menus at the default camera. */
const MOVED_SHAPE = 303
const MOVED_SHAPE_ID = `shape:bench-${MOVED_SHAPE}`

const sleep = (time: number) => new Promise((resolve) => setTimeout(resolve, time))

/** What the init scripts leave on `window`. */
interface BenchWindow {
  __benchPainted?: number
  __benchInputs?: number[]
  __benchMoves?: Array<{ transform: string; changedAt: number; paintedAt: number }>
  __benchMovePainted?: () => void
}

// ---- the app server ----

/** The app as `npm start` runs it (server/main.ts over the production build), on its own port and DATA_DIR. */
async function startApp(): Promise<{ origin: string; syncUrl: string; stop(): Promise<void> }> {
  const app = await AppServer.start()
  // 127.0.0.1, not localhost: Node's fetch may try ::1 first, where the server does not listen.
  return { origin: `http://127.0.0.1:${app.port}`, syncUrl: app.syncUrl, stop: () => app.stop() }
}

interface Room {
  roomId: string
  interviewer: string
  candidate: string
  token: string
}

async function createRoom(origin: string, title: string): Promise<Room> {
  const response = await fetch(`${origin}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title }),
  })
  if (response.status !== 201) throw new Error(`POST /api/rooms answered ${response.status}: ${await response.text()}`)
  const { roomId, links } = CreatedRoom.parse(await response.json())
  return { roomId, interviewer: links.interviewer, candidate: links.candidate, token: new URL(links.interviewer).hash.replace('#token=', '') }
}

/** A headless y-websocket client in this process, as the sync benchmarks use. */
function connect(syncUrl: string, room: Room, doc: Y.Doc): WebsocketProvider {
  return new WebsocketProvider(syncUrl, room.roomId, doc, {
    params: { token: room.token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  })
}

/**
 * Fills a room through the sync protocol: one client brings a board of rectangles
 * (bench/board.ts), and a second client waits until the server hands it every shape.
 */
async function fillRoom(syncUrl: string, room: Room, board: Uint8Array, shapes: number): Promise<void> {
  const uploaderDoc = new Y.Doc()
  Y.applyUpdate(uploaderDoc, board)
  const uploader = connect(syncUrl, room, uploaderDoc)
  const checkerDoc = new Y.Doc()
  const checker = connect(syncUrl, room, checkerDoc)
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`room ${room.roomId} did not reach ${shapes} shapes within 60 s`)), 60_000)
      const check = () => {
        if (countShapes(checkerDoc) < shapes) return
        clearTimeout(timer)
        checkerDoc.off('update', check)
        resolve()
      }
      checkerDoc.on('update', check)
      check()
    })
  } finally {
    uploader.destroy()
    checker.destroy()
    uploaderDoc.destroy()
    checkerDoc.destroy()
  }
}

/** One update holding only the n-th rectangle of a benchmark board. */
function oneShapeUpdate(n: number): Uint8Array {
  const doc = new Y.Doc()
  doc.transact(() => writeRoomRecord(getRoomRecords(doc), benchGeoShape(n)))
  const update = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return update
}

// ---- pages ----

async function newContext(browser: Browser, name: string, expectShapes: boolean): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: VIEWPORT })
  // A string, not a function: tsx compiles this file with esbuild's keepNames, whose
  // __name() helper would be missing in the page.
  await context.addInitScript(`(() => {
    const name = ${JSON.stringify(name)}, mark = ${JSON.stringify(EDITABLE_MARK)}, expectShapes = ${expectShapes}
    // The room page asks for a name once per device (lib/people/local-name.ts).
    try { localStorage.setItem('boxes:name', name) } catch { /* about:blank has no storage */ }
    // The end of the first frame after the mark that shows a shape (any frame for an empty board).
    const check = () => {
      const done = performance.getEntriesByName(mark).length > 0 && (!expectShapes || document.querySelector('.tl-shape') !== null)
      if (!done) return requestAnimationFrame(check)
      const channel = new MessageChannel()
      channel.port1.onmessage = () => { window.__benchPainted = performance.now() }
      channel.port2.postMessage(null)
    }
    requestAnimationFrame(check)
  })()`)
  return context
}

interface Script {
  url: string
  rawBytes: number
  gzipBytes: number
  /** Requested before the editable mark. */
  beforeEditable: boolean
}

interface Load {
  editableMs: number
  paintedMs: number
  shapes: number
  /** Only in loads that read the scripts (captureScripts). */
  scripts: Script[]
  errors: string[]
}

/** Waits for the editable mark and returns when it was set (ms since navigation start). */
async function waitForEditable(page: Page): Promise<{ startTime: number; detail: EditableDetail }> {
  await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, EDITABLE_MARK, { timeout: LOAD_TIMEOUT_MS, polling: 50 })
  return page.evaluate((mark) => {
    const entry = performance.getEntriesByName(mark)[0] as PerformanceMark
    return { startTime: entry.startTime, detail: entry.detail as EditableDetail }
  }, EDITABLE_MARK)
}

async function waitForPainted(page: Page): Promise<number> {
  await page.waitForFunction(() => (window as unknown as BenchWindow).__benchPainted !== undefined, undefined, { timeout: LOAD_TIMEOUT_MS, polling: 50 })
  return page.evaluate(() => (window as unknown as BenchWindow).__benchPainted ?? NaN)
}

/** One load of `url` in a fresh context; with captureScripts, also the body of every script it loads. */
async function loadOnce(browser: Browser, url: string, expectShapes: number, isRoom: boolean, captureScripts: boolean): Promise<Load> {
  const context = await newContext(browser, 'Bench', expectShapes > 0)
  try {
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text())
    })
    const bodies: Array<Promise<{ url: string; rawBytes: number; gzipBytes: number } | null>> = []
    page.on('response', (response) => {
      if (!captureScripts || response.request().resourceType() !== 'script') return
      bodies.push(
        response.body().then(
          (body) => ({ url: response.url(), rawBytes: body.byteLength, gzipBytes: gzipSync(body).byteLength }),
          () => null,
        ),
      )
    })
    // BENCH_BROWSER_PROFILE=<dir>: a CPU profile of each load's page, from navigation to editable.
    const profileDir = process.env.BENCH_BROWSER_PROFILE
    const cdp = profileDir ? await context.newCDPSession(page) : null
    if (cdp) {
      await cdp.send('Profiler.enable')
      await cdp.send('Profiler.setSamplingInterval', { interval: 500 })
      await cdp.send('Profiler.start')
    }
    await page.goto(url)
    const { startTime, detail } = await waitForEditable(page).catch(async (error: unknown) => {
      // What the page showed instead, to tell a stuck load from a slow one.
      const shown = await page.evaluate(() => document.body.innerText.replace(/\s+/g, ' ').slice(0, 300)).catch(() => '(page gone)')
      throw new Error(`${url}: never editable (${error instanceof Error ? error.message : String(error)}); the page showed: ${shown}; errors: ${errors.join(' | ') || 'none'}`)
    })
    if (cdp && profileDir) {
      const { profile } = await cdp.send('Profiler.stop')
      const { pathname, search } = new URL(url)
      const name = `${(pathname + search).replace(/\W/g, '_')}-${Date.now()}.cpuprofile`
      writeFileSync(path.join(profileDir, name), JSON.stringify(profile))
    }
    if (detail.shapes !== expectShapes) throw new Error(`${url}: editable with ${detail.shapes} shapes, expected ${expectShapes}`)
    if (isRoom) {
      const status = (await page.getByTestId('connection-status').textContent()) ?? ''
      if (!status.startsWith('Live')) throw new Error(`${url}: editable while the status said '${status}'`)
    }
    const paintedMs = await waitForPainted(page)
    if (!captureScripts) return { editableMs: startTime, paintedMs, shapes: detail.shapes, scripts: [], errors }
    await sleep(SCRIPT_SETTLE_MS)
    const requestedAt = await page.evaluate(() =>
      performance.getEntriesByType('resource').map((entry) => ({ url: entry.name, startTime: entry.startTime })),
    )
    const seen = new Set<string>()
    const scripts: Script[] = []
    for (const body of await Promise.all(bodies)) {
      if (!body || seen.has(body.url)) continue
      seen.add(body.url)
      const started = requestedAt.find((entry) => entry.url === body.url)?.startTime ?? Infinity
      scripts.push({ ...body, beforeEditable: started < startTime })
    }
    return { editableMs: startTime, paintedMs, shapes: detail.shapes, scripts, errors }
  } finally {
    await context.close()
  }
}

// ---- remote move ----

interface MoveRun {
  /** Input in A to the shape's transform changing in B. */
  changed: number[]
  /** Input in A to the end of the frame in B that shows the change. */
  painted: number[]
}

async function openRoomPage(browser: Browser, url: string, name: string, shapes: number): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newContext(browser, name, shapes > 0)
  const page = await context.newPage()
  await page.goto(url)
  const { detail } = await waitForEditable(page)
  if (detail.shapes !== shapes) throw new Error(`${url}: editable with ${detail.shapes} shapes, expected ${shapes}`)
  await waitForPainted(page)
  await page.locator(`.tl-shape[data-shape-id="${MOVED_SHAPE_ID}"]`).waitFor({ state: 'visible', timeout: LOAD_TIMEOUT_MS })
  return { context, page }
}

async function moveRun(browser: Browser, room: Room, shapes: number, warmup: number, moves: number): Promise<MoveRun> {
  const a = await openRoomPage(browser, room.interviewer, 'Mover', shapes)
  const b = await openRoomPage(browser, room.candidate, 'Watcher', shapes)
  try {
    let painted: (() => void) | null = null
    await b.page.exposeFunction('__benchMovePainted', () => painted?.())
    await b.page.evaluate((id) => {
      const w = window as unknown as BenchWindow
      const element = document.querySelector<HTMLElement>(`.tl-shape[data-shape-id="${id}"]`)
      if (!element) throw new Error(`no ${id}`)
      w.__benchMoves = []
      let last = element.style.transform
      new MutationObserver(() => {
        const transform = element.style.transform
        if (transform === last) return
        last = transform
        const changedAt = performance.timeOrigin + performance.now()
        requestAnimationFrame(() => {
          const channel = new MessageChannel()
          channel.port1.onmessage = () => {
            w.__benchMoves?.push({ transform, changedAt, paintedAt: performance.timeOrigin + performance.now() })
            void w.__benchMovePainted?.()
          }
          channel.port2.postMessage(null)
        })
      }).observe(element, { attributes: true, attributeFilter: ['style'] })
    }, MOVED_SHAPE_ID)
    await a.page.evaluate(() => {
      const w = window as unknown as BenchWindow
      w.__benchInputs = []
      window.addEventListener('keydown', () => w.__benchInputs?.push(performance.timeOrigin + performance.now()), { capture: true })
    })

    // Select the shape with the mouse: a click on its label (an unfilled rectangle is hit on
    // its outline and its label). tldraw 5 draws the selection on a canvas overlay, with no
    // DOM to wait for: the first move painted in B proves the selection.
    const box = await a.page.locator(`.tl-shape[data-shape-id="${MOVED_SHAPE_ID}"]`).boundingBox()
    if (!box) throw new Error('the shape to move has no box')
    await a.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
    await sleep(300)

    let random = 7
    for (let i = 0; i < warmup + moves; i++) {
      const shown = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`move ${i} was not painted in B within ${MOVE_TIMEOUT_MS} ms`)), MOVE_TIMEOUT_MS)
        painted = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      await a.page.keyboard.press(i % 2 === 0 ? 'ArrowRight' : 'ArrowLeft')
      await shown
      // 150-350 ms apart (a fixed pseudo-random sequence), so moves fall at any phase of a frame.
      random = (random * 1103515245 + 12345) % 2 ** 31
      await sleep(150 + (random % 200))
    }
    const inputs = await a.page.evaluate(() => (window as unknown as BenchWindow).__benchInputs ?? [])
    const seen = await b.page.evaluate(() => (window as unknown as BenchWindow).__benchMoves ?? [])
    if (inputs.length !== warmup + moves || seen.length !== warmup + moves) {
      throw new Error(`expected ${warmup + moves} inputs and moves, got ${inputs.length} and ${seen.length}`)
    }
    const run: MoveRun = { changed: [], painted: [] }
    for (let i = warmup; i < warmup + moves; i++) {
      const input = inputs[i] ?? NaN
      run.changed.push((seen[i]?.changedAt ?? NaN) - input)
      run.painted.push((seen[i]?.paintedAt ?? NaN) - input)
    }
    return run
  } finally {
    await a.context.close()
    await b.context.close()
  }
}

// ---- the scenario ----

function build(log: (message: string) => void): void {
  if (process.argv.includes('--no-build')) {
    log('browser: --no-build: using the existing production build')
    return
  }
  log('browser: npm run build')
  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  if (result.status !== 0) throw new Error(`npm run build failed:\n${(result.stdout + result.stderr).slice(-4_000)}`)
}

/** Waits (at most 10 s) for the rest of the machine to use under a quarter of a core. */
async function quietMachine(log: (message: string) => void): Promise<void> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const before = machineBusySeconds()
    await sleep(1_000)
    const busy = (machineBusySeconds() - before) * 100
    if (busy <= 25) return
    if (Date.now() > deadline) {
      log(`browser: the machine stays busy (${busy.toFixed(0)}% of a core used by other work); measuring anyway`)
      return
    }
  }
}

interface Case {
  name: string
  url: string
  shapes: number
  isRoom: boolean
}

const median = (values: number[]) => percentile(sortedOf(values), 0.5)
const p90 = (values: number[]) => percentile(sortedOf(values), 0.9)
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0)
const loadAverage = () => os.loadavg().map((value) => value.toFixed(2)).join(', ')
const met = (ok: boolean) => (ok ? 'met' : '**missed**')

export async function browserScenario({ quick, log, report }: BrowserBenchHooks): Promise<void> {
  // --moves-only skips the page loads, to compare remote moves alone between builds.
  const runs = process.argv.includes('--moves-only') ? -1 : quick ? 3 : 9
  /** Loads of each page that read its scripts, after the timed ones. */
  const scriptLoads = runs < 0 ? 0 : 2
  const moves = quick ? 15 : 40
  const warmupMoves = 5
  build(log)
  const app = await startApp()
  let browser: Browser | null = null
  try {
    const emptyRoom = await createRoom(app.origin, 'Browser bench: empty')
    const bigRoom = await createRoom(app.origin, `Browser bench: ${BIG_ROOM_SHAPES} shapes`)
    const moveRoom = await createRoom(app.origin, 'Browser bench: one shape')
    log(`browser: filling a room with ${BIG_ROOM_SHAPES} shapes through the sync server`)
    await fillRoom(app.syncUrl, bigRoom, boardUpdate(BIG_ROOM_SHAPES), BIG_ROOM_SHAPES)
    await fillRoom(app.syncUrl, moveRoom, oneShapeUpdate(MOVED_SHAPE), 1)

    browser = await chromium.launch(CHROMIUM_LAUNCH)
    const cases: Case[] = [
      { name: 'bare tldraw page', url: `${app.origin}/bench/bare`, shapes: 0, isRoom: false },
      { name: 'room page, empty room', url: emptyRoom.interviewer, shapes: 0, isRoom: true },
      { name: `bare tldraw page, ${BIG_ROOM_SHAPES} shapes`, url: `${app.origin}/bench/bare?shapes=${BIG_ROOM_SHAPES}`, shapes: BIG_ROOM_SHAPES, isRoom: false },
      { name: `room page, ${BIG_ROOM_SHAPES}-shape room`, url: bigRoom.interviewer, shapes: BIG_ROOM_SHAPES, isRoom: true },
    ]
    const loads = new Map<Case, Load[]>(cases.map((c) => [c, []]))
    const loadAtStart = loadAverage()
    await quietMachine(log)
    if (runs >= 0) log(`browser: ${runs} loads of each of ${cases.length} pages in fresh contexts (after one uncounted round)`)
    for (let round = 0; round <= runs; round++) {
      const order = round % 2 === 0 ? cases : [...cases].reverse()
      const times: string[] = []
      for (const c of order) {
        const load = await loadOnce(browser, c.url, c.shapes, c.isRoom, false)
        if (round > 0) loads.get(c)?.push(load)
        times.push(`${c.name} ${ms(load.editableMs)}/${ms(load.paintedMs)}`)
      }
      log(`browser: ${round === 0 ? 'uncounted round' : `round ${round}/${runs}`}, editable/painted ms: ${times.join('; ')}`)
    }
    const scriptsOf = new Map<Case, Load[]>(cases.map((c) => [c, []]))
    if (scriptLoads > 0) log(`browser: ${scriptLoads} more loads of each page, reading its scripts`)
    for (let i = 0; i < scriptLoads; i++) {
      for (const c of cases) scriptsOf.get(c)?.push(await loadOnce(browser, c.url, c.shapes, c.isRoom, true))
    }
    log(`browser: remote moves (${moves} timed after ${warmupMoves} uncounted), one-shape room and ${BIG_ROOM_SHAPES}-shape room`)
    const moveRuns = [
      { name: 'room with 1 shape', run: await moveRun(browser, moveRoom, 1, warmupMoves, moves) },
      { name: `room with ${BIG_ROOM_SHAPES} shapes`, run: await moveRun(browser, bigRoom, BIG_ROOM_SHAPES, warmupMoves, moves) },
    ]
    const chromiumVersion = browser.version()
    const loadAtEnd = loadAverage()

    // ---- report ----
    const editable = (c: Case | undefined) => median((c && loads.get(c)?.map((l) => l.editableMs)) ?? [])
    /** Room / bare load by load within each round (they ran back to back), so drift on the machine cancels. */
    const pairedRatios = (c: Case | undefined, baseline: Case | undefined) => {
      const ours = (c && loads.get(c)) ?? []
      const theirs = (baseline && loads.get(baseline)) ?? []
      return sortedOf(ours.map((load, i) => load.editableMs / (theirs[i]?.editableMs ?? NaN)))
    }
    const paired = (c: Case | undefined, baseline: Case | undefined) => {
      const ratios = pairedRatios(c, baseline)
      return ratios.length === 0 ? '–' : `${percentile(ratios, 0.5).toFixed(2)}x (${ratios[0]?.toFixed(2)}-${ratios.at(-1)?.toFixed(2)})`
    }
    const [bare, room, bareBig, roomBig] = cases
    const editableRows = cases.map((c) => {
      const list = loads.get(c) ?? []
      const baseline = c.isRoom ? (c.shapes > 0 ? bareBig : bare) : undefined
      return [
        c.name,
        String(list.length),
        ms(median(list.map((l) => l.editableMs))),
        ms(p90(list.map((l) => l.editableMs))),
        ms(median(list.map((l) => l.paintedMs))),
        ms(p90(list.map((l) => l.paintedMs))),
        baseline ? ratio(editable(c), editable(baseline)) : '–',
        baseline ? paired(c, baseline) : '–',
        String(sum(list.map((l) => l.errors.length))),
      ]
    })
    const firstLoad = (c: Case | undefined) => (c && scriptsOf.get(c)?.[0]) ?? null
    const jsOf = (load: Load | null, filter: (script: Script) => boolean = () => true) => sum(load?.scripts.filter(filter).map((s) => s.gzipBytes) ?? [])
    const jsTotals = (c: Case) => new Set((scriptsOf.get(c) ?? []).map((l) => jsOf(l)))
    const bareJs = jsOf(firstLoad(bare))
    const jsRows = cases.map((c) => {
      const load = firstLoad(c)
      const totals = [...jsTotals(c)]
      return [
        c.name,
        String(load?.scripts.length ?? 0),
        kib(sum(load?.scripts.map((s) => s.rawBytes) ?? [])),
        kib(jsOf(load, (s) => s.beforeEditable)),
        kib(jsOf(load)),
        ratio(jsOf(load), bareJs),
        totals.length === 1 ? 'yes' : `no (${totals.map(kib).join(' / ')} KiB)`,
      ]
    })
    const moveRows = moveRuns.map(({ name, run }) => [
      name,
      String(run.painted.length),
      ms(median(run.changed)),
      ms(p90(run.changed)),
      ms(median(run.painted)),
      ms(p90(run.painted)),
      ms(Math.max(...run.painted)),
    ])
    const roomJs = jsOf(firstLoad(room))
    const onlyInRoom = (firstLoad(room)?.scripts ?? [])
      .filter((s) => !(firstLoad(bare)?.scripts ?? []).some((b) => b.url === s.url))
      .sort((x, y) => y.gzipBytes - x.gzipBytes)
    const emptyRatio = editable(room) / editable(bare)
    const bigRatio = editable(roomBig) / editable(bareBig)
    const jsRatio = roomJs / bareJs
    const moveP50 = median(moveRuns[0]?.run.painted ?? [])
    const errors = [...new Set([...loads.values(), ...scriptsOf.values()].flatMap((list) => list.flatMap((l) => l.errors)))]
    report({
      title: '7. Browser',
      body: [
        `Chromium ${chromiumVersion} (headless, --disable-gpu), viewport ${VIEWPORT.width}x${VIEWPORT.height}, against the production build served by server/main.ts on loopback. Each load is a fresh browser context; ${runs} counted loads per page, the pages taking turns after one uncounted round. "Editable" = navigation start to the \`${EDITABLE_MARK}\` mark: tldraw's editor mounted and, in a room, the room's records in the store and the connection live. "Painted" = the end of the first frame after it that shows a shape (any frame for an empty board). The bare page is /bench/bare: \`<Tldraw />\` loaded as the room canvas loads it, no sync; with ?shapes=${BIG_ROOM_SHAPES} its store holds the same rectangles before the editor mounts, as a loaded room's does. Load average at start ${loadAtStart}, at end ${loadAtEnd}.`,
        '',
        table(['page', 'loads', 'editable p50 ms', 'p90 ms', 'painted p50 ms', 'p90 ms', 'editable p50 / bare p50', 'per-round ratio p50 (min-max)', 'console errors'], editableRows),
        '',
        `JavaScript of one load: every 'script' response until ${SCRIPT_SETTLE_MS / 1000} s after the mark, each gzipped (zlib level 6) and summed; inline scripts in the HTML not counted. Read in ${scriptLoads} further loads of each page, not in the timed ones (reading the bodies costs CPU while the page loads).`,
        '',
        table(['page', 'scripts', 'raw KiB', 'gzip KiB before editable', 'gzip KiB', 'gzip / bare', 'same in every load'], jsRows),
        '',
        `Scripts only the room page loads (gzip KiB): ${onlyInRoom.map((s) => `${path.basename(new URL(s.url).pathname)} ${kib(s.gzipBytes)}`).join(', ') || 'none'}.`,
        '',
        `Remote move: interviewer (A) and candidate (B) in one room, each its own context. A selects shape bench-${MOVED_SHAPE} with a click and nudges it with arrow keys, one key press at a time, 150-350 ms apart; ${warmupMoves} uncounted, then ${moves} timed. Times from A's keydown (capture listener) to B's shape transform changing, and to the end of the next frame in B.`,
        '',
        table(['room', 'moves', 'input -> B DOM p50 ms', 'p90 ms', 'input -> B painted p50 ms', 'p90 ms', 'max ms'], moveRows),
        '',
        `Floors (issue 6): editable within ${FLOORS.editableRatio}x of the bare page: empty room ${ratio(editable(room), editable(bare))} ${met(emptyRatio <= FLOORS.editableRatio)} (per round ${paired(room, bare)}), ${BIG_ROOM_SHAPES}-shape room ${ratio(editable(roomBig), editable(bareBig))} ${met(bigRatio <= FLOORS.editableRatio)} (per round ${paired(roomBig, bareBig)}); JS within ${FLOORS.jsRatio}x: ${ratio(roomJs, bareJs)} ${met(jsRatio <= FLOORS.jsRatio)}; remote move painted <= ${FLOORS.movePaintedP50Ms} ms p50: ${ms(moveP50)} ms ${met(moveP50 <= FLOORS.movePaintedP50Ms)}.`,
        ...(errors.length > 0 ? ['', `Console errors seen: ${errors.slice(0, 5).map((e) => `\`${e.slice(0, 160)}\``).join('; ')}`] : []),
      ].join('\n'),
    })
  } finally {
    await browser?.close()
    await app.stop()
  }
}

/** For the report's "What limits these figures". */
export const BROWSER_LIMITS =
  "- Browser (7): Chromium's processes, the app server and the runner share the machine's 2 cores, so other work on the machine adds to every time; headless Chromium without a GPU rasterises in software and its frames follow no real display; loopback hides transfer time, so JavaScript size shows only as parse and compile cost. Each load is a fresh context (nothing cached); the server is warm."
