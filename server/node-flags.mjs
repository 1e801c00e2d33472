// Node flags the server process runs with: in production (scripts/start.mjs), in the end-to-end
// tests (e2e/app-server.ts) and in the benchmarks (bench/processes.ts), so that what is measured
// is what runs.
//
// Both keep V8's full collections out of a busy server's way. Found with the 2-minute fan-out
// benchmark (200 rooms x 5 clients, 2,000 updates/s), timing every late delivery against the
// server's --trace-gc: with V8's defaults, nearly all late deliveries fell in 20 episodes of
// 100-500 ms, each around a full collection (whose marking threads share the server's core).
//
// --max-semi-space-size=64: a young generation of up to 64 MiB per semi-space (16 by default).
//   Each update a room applies allocates Yjs structs that live until the room's next update; the
//   default young generation was collected every ~270 ms under that load, so many of them were
//   still alive at two collections in a row and moved to the old generation, which then needed
//   a full collection every 10-20 s.
// --no-memory-reducer: no full collections to shrink the heap when the server goes quiet. After
//   one, the young generation is back at its smallest, and when work resumed it was collected
//   every 30-100 ms: that second alone had 5,800 late deliveries. The heap is still collected
//   as it fills; an idle server just keeps the size it grew to.
//
// Our fan-out p99 / server GC pauses (count, total, max), the reference server in the same run:
//   defaults: 38.8 ms (17.6), 497 pauses, 1,957 ms, max 19.8 ms
//   semi-space 64 MiB only: 32.8 ms (18.8), 226 pauses, 1,110 ms, max 56.8 ms
//   both flags: 17.7 ms (17.2), 126 pauses, 618 ms, max 8.7 ms; no full collection in the window
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=64', '--no-memory-reducer']

// The environment the server process adds to its own (what the operator set wins).
//
// MALLOC_MMAP_THRESHOLD_=131072: glibc serves every allocation of 128 KiB or more with its own
//   mapping and unmaps it when freed. By default glibc raises that threshold to the size of the
//   largest block freed so far, so after the first large upload every frame, copy and merged
//   encoding of a board came from the heap arena, and the arena kept the freed space: after
//   forced GCs a loaded room held an extra ~1x its encoding in RSS. Memory scenario, second
//   half of the rooms loaded into a server already serving the first (RSS per room, default vs
//   this): 500 shapes 0.63 vs 0.37 MiB, 5,000 shapes 6.8 vs 3.5 MiB, with heap + external
//   unchanged (0.36 / 3.3 MiB). Ignored by other C libraries.
export const SERVER_ENV = { MALLOC_MMAP_THRESHOLD_: '131072' }

/** `env` with SERVER_ENV under it, for spawning the server. */
export function serverEnv(env = process.env) {
  return { ...SERVER_ENV, ...env }
}

// The arguments after `node` that start the app server (pages and sync): `npm start` and the
// end-to-end tests both use them.
export const APP_SERVER_ARGS = [...SERVER_NODE_FLAGS, '--import', 'tsx', 'server/main.ts']
