import type { Duplex } from 'node:stream'

/** Frames this large or larger go through ws itself: copying them into a frame of ours would cost more than it saves. */
export const MAX_PREFRAMED_BYTES = 64 * 1024

/**
 * A binary WebSocket message as the server sends it (one final frame, unmasked): a header of
 * 2, 4 or 10 bytes, then the payload. Small frames come from Node's buffer pool.
 */
export function binaryFrame(payload: Uint8Array): Buffer {
  const length = payload.byteLength
  const headerBytes = length < 126 ? 2 : length < 0x10000 ? 4 : 10
  const frame = Buffer.allocUnsafe(headerBytes + length)
  frame[0] = 0x82
  if (length < 126) frame[1] = length
  else if (length < 0x10000) {
    frame[1] = 126
    frame.writeUInt16BE(length, 2)
  } else {
    frame[1] = 127
    frame.writeUInt32BE(Math.floor(length / 0x1_0000_0000), 2)
    frame.writeUInt32BE(length >>> 0, 6)
  }
  frame.set(payload, headerBytes)
  return frame
}

/**
 * Writes small binary messages to connections' sockets as whole frames, each framed once however
 * many connections it goes to: a room sends one update to all its other connections in a row.
 * Through ws, every connection framed it again and wrote a header and the payload as two writes
 * (cork, two buffered chunks, uncork, writev), the larger share of the server's work per delivery
 * besides the system call itself.
 *
 * Safe only beside a ws connection whose sender writes every frame at once: no permessage-deflate
 * and no Blob data, which would queue frames inside ws, and these would overtake them.
 */
export class FrameWriter {
  private payload: Uint8Array | null = null
  private frame: Buffer | null = null

  /** Writes `payload` as one binary message; false when it is too large for this path (send it through ws). */
  write(socket: Duplex, payload: Uint8Array): boolean {
    if (payload.byteLength >= MAX_PREFRAMED_BYTES) return false
    if (payload !== this.payload) {
      this.payload = payload
      this.frame = binaryFrame(payload)
    }
    socket.write(this.frame)
    return true
  }
}
