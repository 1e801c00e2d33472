import { monitorEventLoopDelay } from 'node:perf_hooks'
import v8 from 'node:v8'
import { hasType, sendToParent, type MemoryStats, type ToServer } from './messages'
import { LOOP_DELAY_RESOLUTION_MS, loopLateness, watchGcPauses } from './stats'

/** This process's memory after a full collection (the process must run with --expose-gc). */
function memoryStats(loadedRooms: number | null): MemoryStats {
  const collect = (globalThis as { gc?: () => void }).gc
  if (!collect) throw new Error('start the server with --expose-gc to measure its memory')
  collect()
  collect()
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage()
  const youngGeneration = v8
    .getHeapSpaceStatistics()
    .filter((space) => space.space_name === 'new_space' || space.space_name === 'new_large_object_space')
    .reduce((sum, space) => sum + space.physical_space_size, 0)
  return { rss, heapUsed, heapTotal, external, arrayBuffers, youngGeneration, loadedRooms }
}

/**
 * Answers the runner's questions about this server process: its memory, and its event-loop
 * delay since the last question (how long a ready message could wait before being handled).
 */
export function answerRunner(loadedRooms: () => number | null): void {
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS })
  loopDelay.enable()
  const gc = watchGcPauses()
  process.on('message', (message: unknown) => {
    if (!hasType<ToServer>(message)) return
    switch (message.type) {
      case 'stats':
        sendToParent({ type: 'stats', stats: memoryStats(loadedRooms()) })
        break
      case 'loop-delay':
        sendToParent({ type: 'loop-delay', ...loopLateness(loopDelay), gc: gc.take() })
        loopDelay.reset()
        break
    }
  })
}
