import { z } from 'zod'
import type { SyncLimits } from './sync/limits'

const Port = z.coerce.number().int().min(0).max(65535)
const Count = z.coerce.number().int().min(1)
const MiB = 1024 * 1024

export const ServerConfig = z.object({
  PORT: Port.default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  /** Secret that signs room links; generated into DATA_DIR on first start when absent. */
  TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Origin used in links when the server sits behind a proxy, e.g. https://boxes.example.com */
  PUBLIC_ORIGIN: z.url().optional(),
  NEXT_PUBLIC_TLDRAW_LICENSE_KEY: z.string().optional(),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  /** How long a room stays in memory after its last connection leaves. */
  ROOM_UNLOAD_MS: z.coerce.number().int().min(0).default(30_000),
  /** How long a room keeps a Y.Doc it had to build for a change its outline cannot vouch for (0: rooms always keep one). */
  ROOM_HIBERNATE_MS: z.coerce.number().int().min(0).default(60_000),
  // Limits of the sync server (see server/sync/limits.ts); unset means its default.
  /** Largest WebSocket frame, in bytes (default 8 MiB); a larger one closes with 4413. */
  SYNC_MAX_MESSAGE_BYTES: Count.min(64 * 1024, 'must be at least 65536').max(256 * MiB).optional(),
  /** Sustained messages per second per connection (default 300); past the burst, 4429. */
  SYNC_MESSAGES_PER_SECOND: Count.optional(),
  /** Messages a connection may send at once above the sustained rate (default 600). */
  SYNC_MESSAGE_BURST: Count.optional(),
  /** Connections per room (default 50); one more is refused with 4503. */
  SYNC_MAX_CONNECTIONS_PER_ROOM: Count.optional(),
  /** Rooms loaded in this process (default 5000); opening one more is refused with 4503. */
  SYNC_MAX_LOADED_ROOMS: Count.optional(),
  /** Encoded size of one room's document, in bytes (default 32 MiB); past it, 4413. */
  SYNC_MAX_DOCUMENT_BYTES: Count.min(MiB, 'must be at least 1048576').optional(),
})
export type ServerConfig = z.infer<typeof ServerConfig>

/** The sync limits the configuration sets; the sync server keeps its defaults for the rest. */
export function syncLimitsOf(config: ServerConfig): Partial<SyncLimits> {
  const limits: Partial<SyncLimits> = {
    maxMessageBytes: config.SYNC_MAX_MESSAGE_BYTES,
    messagesPerSecond: config.SYNC_MESSAGES_PER_SECOND,
    messageBurst: config.SYNC_MESSAGE_BURST,
    maxConnectionsPerRoom: config.SYNC_MAX_CONNECTIONS_PER_ROOM,
    maxLoadedRooms: config.SYNC_MAX_LOADED_ROOMS,
    maxDocumentBytes: config.SYNC_MAX_DOCUMENT_BYTES,
  }
  return Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined))
}

/** Parses the environment once; a bad value stops start-up with a message naming it. */
export function loadConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
  const result = ServerConfig.safeParse(env)
  if (result.success) return result.data
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`)
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`)
}

export class ConfigError extends Error {}
