import type { MemoryStats } from './messages'

/** This process's memory after a full collection (the process must run with --expose-gc). */
export function memoryStats(loadedRooms: number | null): MemoryStats {
  const collect = (globalThis as { gc?: () => void }).gc
  if (!collect) throw new Error('start the server with --expose-gc to measure its memory')
  collect()
  collect()
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage()
  return { rss, heapUsed, heapTotal, external, arrayBuffers, loadedRooms }
}
