/**
 * Preloaded (`--import`) into the unmodified reference server so the runner can ask it for
 * its memory over IPC, the same way it asks ours.
 */
import { memoryStats } from './memory'
import { hasType, sendToParent, type ToServer } from './messages'

process.on('message', (message: unknown) => {
  if (hasType<ToServer>(message) && message.type === 'stats') sendToParent({ type: 'stats', stats: memoryStats(null) })
})
