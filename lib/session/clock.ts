/** One probe: local send and receive times around the server's reading of its clock. */
export interface ClockSample {
  sentAt: number
  serverTime: number
  receivedAt: number
}

export const MAX_RTT_MS = 10_000

/** NTP-style: assumes the server read its clock halfway through the round trip. */
export function sampleOffset(sample: ClockSample): { offsetMs: number; rttMs: number } {
  return {
    offsetMs: sample.serverTime - (sample.sentAt + sample.receivedAt) / 2,
    rttMs: sample.receivedAt - sample.sentAt,
  }
}

/**
 * The server's clock as seen from this device. The error of one sample is at most half its
 * round trip, so the fastest recent sample gives the tightest estimate.
 */
export class ServerClock {
  private samples: Array<{ offsetMs: number; rttMs: number }> = []

  constructor(private readonly maxSamples = 8) {}

  /** Returns false for samples that cannot be trusted (clock jumps, stale replies). */
  addSample(sample: ClockSample): boolean {
    const measured = sampleOffset(sample)
    if (!Number.isFinite(measured.offsetMs) || !(measured.rttMs >= 0 && measured.rttMs <= MAX_RTT_MS)) return false
    this.samples = [...this.samples, measured].slice(-this.maxSamples)
    return true
  }

  get hasEstimate(): boolean {
    return this.samples.length > 0
  }

  /** Server minus local milliseconds; 0 until the first sample. */
  get offsetMs(): number {
    let best: { offsetMs: number; rttMs: number } | undefined
    for (const sample of this.samples) if (!best || sample.rttMs < best.rttMs) best = sample
    return best?.offsetMs ?? 0
  }

  now(localNow: number = Date.now()): number {
    return localNow + this.offsetMs
  }
}
