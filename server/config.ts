import { z } from 'zod'

const Port = z.coerce.number().int().min(0).max(65535)

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
})
export type ServerConfig = z.infer<typeof ServerConfig>

/** Parses the environment once; a bad value stops start-up with a message naming it. */
export function loadConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
  const result = ServerConfig.safeParse(env)
  if (result.success) return result.data
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`)
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`)
}

export class ConfigError extends Error {}
