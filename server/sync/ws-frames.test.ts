import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { PassThrough, type Duplex } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import { binaryFrame, FrameWriter, MAX_PREFRAMED_BYTES } from './ws-frames'

describe('WebSocket frames', () => {
  it('WF1: a ws client reads each frame as the binary message it carries, for lengths around each header size', async () => {
    const lengths = [0, 1, 125, 126, 127, 65_535, 65_536, 200_000]
    const payloads = lengths.map((length) => new Uint8Array(length).map((_, i) => (i * 31) % 256))
    const http = createServer()
    const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })
    http.on('upgrade', (req, socket: Duplex, head) =>
      wss.handleUpgrade(req, socket, head, () => {
        // Straight to the socket ws was given, as the sync server does.
        for (const payload of payloads) socket.write(binaryFrame(payload))
      }),
    )
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
    try {
      const client = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}`, { perMessageDeflate: false })
      const messages = await new Promise<Buffer[]>((resolve, reject) => {
        const received: Buffer[] = []
        client.on('message', (data: Buffer, isBinary: boolean) => {
          if (!isBinary) reject(new Error('a text message'))
          received.push(data)
          if (received.length === payloads.length) resolve(received)
        })
        client.on('error', reject)
        client.on('close', (code) => reject(new Error(`closed with ${code}`)))
      })
      expect(messages.map((m) => m.length)).toEqual(lengths)
      messages.forEach((message, i) => expect(message.equals(Buffer.from(payloads[i]!))).toBe(true))
      client.terminate()
    } finally {
      for (const ws of wss.clients) ws.terminate()
      await new Promise((resolve) => http.close(resolve))
    }
  })

  it('WF2: one payload sent to several sockets is framed once, and the same buffer goes to each', () => {
    const writer = new FrameWriter()
    const written: Buffer[] = []
    const sockets = [new PassThrough(), new PassThrough()]
    for (const socket of sockets) socket.on('data', (chunk: Buffer) => written.push(chunk))
    const update = Uint8Array.of(0, 2, 1, 7)
    for (const socket of sockets) expect(writer.write(socket, update)).toBe(true)
    const copy = Uint8Array.from(update)
    expect(writer.write(sockets[0]!, copy)).toBe(true)
    expect(written.map((chunk) => [...chunk])).toEqual([
      [0x82, 4, 0, 2, 1, 7],
      [0x82, 4, 0, 2, 1, 7],
      [0x82, 4, 0, 2, 1, 7],
    ])
    // Framed once for both sockets: the same buffer went to each.
    expect(written[0]!.buffer === written[1]!.buffer && written[0]!.byteOffset === written[1]!.byteOffset).toBe(true)
  })

  it('WF3: a payload of MAX_PREFRAMED_BYTES or more is left to ws', () => {
    const writer = new FrameWriter()
    const socket = new PassThrough()
    expect(writer.write(socket, new Uint8Array(MAX_PREFRAMED_BYTES - 1))).toBe(true)
    expect(writer.write(socket, new Uint8Array(MAX_PREFRAMED_BYTES))).toBe(false)
    expect(socket.readableLength).toBe(MAX_PREFRAMED_BYTES - 1 + 4)
  })
})
