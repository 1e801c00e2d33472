import { z } from 'zod'

/** Body of POST /api/rooms. */
const PhaseMinutes = z.number().int('Minutes must be a whole number').min(1, 'At least 1 minute').max(180, 'At most 180 minutes')

export const NewRoom = z.object({
  title: z.string().trim().min(1, 'Give the room a title').max(200),
  problem: z.string().max(20_000).optional(),
  /** Minutes per phase; the default 45-minute plan when absent. */
  phases: z
    .object({ scope: PhaseMinutes, 'high-level': PhaseMinutes, 'deep-dive': PhaseMinutes, 'wrap-up': PhaseMinutes })
    .optional(),
})
export type NewRoom = z.infer<typeof NewRoom>

export const RoomLinks = z.object({ interviewer: z.url(), candidate: z.url(), reviewer: z.url() })

/** Response of POST /api/rooms. */
export const CreatedRoom = z.object({ roomId: z.string(), links: RoomLinks })
export type CreatedRoom = z.infer<typeof CreatedRoom>

// The response of GET /api/rooms/<roomId>/access is RoomAccessInfo, in access-info.ts (checked
// without zod, for the room page's first chunks).

export const ApiError = z.object({ error: z.string(), fields: z.record(z.string(), z.array(z.string())).optional() })
export type ApiError = z.infer<typeof ApiError>
