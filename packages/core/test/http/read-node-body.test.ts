import { Buffer } from 'node:buffer'
import { createServer, type IncomingMessage, request } from 'node:http'
import { type AddressInfo, connect } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { readNodeBody } from '../../src/http/index.js'

type Outcome =
  | { kind: 'body'; bytes: Uint8Array; isBuffer: boolean }
  | { kind: 'tooLarge'; code: string; message: string }
  | { kind: 'aborted' }

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

/** A real server whose handler reads each request with readNodeBody and reports what happened. */
async function server(limit: number, join?: (chunks: Uint8Array[], total: number) => Uint8Array) {
  const outcomes: Outcome[] = []
  let seen: (outcome: Outcome) => void = () => {}
  const http = createServer((req: IncomingMessage, res) => {
    const report = (outcome: Outcome) => {
      outcomes.push(outcome)
      seen(outcome)
    }
    readNodeBody(
      req,
      limit,
      {
        body(bytes) {
          report({ kind: 'body', bytes, isBuffer: Buffer.isBuffer(bytes) })
          res.end('ok')
        },
        tooLarge(error) {
          report({ kind: 'tooLarge', code: error.code, message: error.message })
          res.writeHead(413, { connection: 'close' }).end()
        },
        aborted: () => report({ kind: 'aborted' }),
      },
      join,
    )
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  closers.push(() => {
    http.closeAllConnections()
    return new Promise((resolve) => http.close(() => resolve()))
  })
  const { port } = http.address() as AddressInfo
  const next = () => new Promise<Outcome>((resolve) => (seen = resolve))
  /** Sends `chunks` (chunked unless `length` is given); `abort` destroys the request after them. */
  function send(chunks: Buffer[], options: { length?: number; abort?: boolean } = {}) {
    const outcome = next()
    const req = request({
      port,
      host: '127.0.0.1',
      method: 'POST',
      headers: options.length === undefined ? {} : { 'content-length': String(options.length) },
    })
    req.on('error', () => {})
    req.on('response', (res) => res.resume())
    // A pause between writes, so the server sees separate chunks (and the join is exercised).
    void (async function writeAll() {
      for (const chunk of chunks) {
        req.write(chunk)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      if (options.abort) req.destroy()
      else req.end()
    })()
    return outcome
  }
  /** Sends a chunked body of `pieces` (each its own HTTP chunk) in one write, over a raw socket. */
  function sendRawChunks(pieces: string[]) {
    const outcome = next()
    const socket = connect(port, '127.0.0.1', () => {
      const body = pieces.map((piece) => `${Buffer.byteLength(piece).toString(16)}\r\n${piece}\r\n`).join('')
      socket.write(`POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n${body}0\r\n\r\n`)
    })
    socket.on('error', () => {})
    socket.on('data', () => socket.end())
    return outcome
  }
  return { send, sendRawChunks, outcomes }
}

describe('readNodeBody', () => {
  it.each([
    ['one chunk, Content-Length', [Buffer.from('{"a":1}')], 7],
    ['three chunks, chunked', [Buffer.from('{"a":'), Buffer.from('1,"b":'), Buffer.from('"é"}')], undefined],
    ['empty body', [], 0],
  ])('%s within the limit → body, the exact bytes', async (_label, chunks, length) => {
    const { send } = await server(100)
    const outcome = await send(chunks, length === undefined ? {} : { length })
    expect(outcome.kind).toBe('body')
    expect(Buffer.from((outcome as { bytes: Uint8Array }).bytes)).toEqual(Buffer.concat(chunks))
  })

  it('Content-Length above the limit → tooLarge with the declared size, before any byte is read', async () => {
    const { send } = await server(10)
    const outcome = await send([], { length: 11 })
    expect(outcome).toMatchObject({ kind: 'tooLarge', code: 'PAYLOAD_TOO_LARGE' })
    expect((outcome as { message: string }).message).toContain('11 bytes')
  })

  it('chunked body passing the limit → tooLarge on that chunk, once', async () => {
    const { send, outcomes } = await server(10)
    const outcome = await send([Buffer.alloc(6), Buffer.alloc(6), Buffer.alloc(6)])
    expect(outcome).toMatchObject({ kind: 'tooLarge', code: 'PAYLOAD_TOO_LARGE' })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(outcomes).toHaveLength(1)
  })

  it('client gone before the end → aborted, once', async () => {
    const { send, outcomes } = await server(100)
    const outcome = await send([Buffer.from('{"par')], { abort: true })
    expect(outcome).toEqual({ kind: 'aborted' })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(outcomes).toHaveLength(1)
  })

  it.each([
    ['the default join', undefined, false],
    ['Buffer.concat', Buffer.concat, true],
  ])('several chunks joined with %s → Buffer: %s', async (_label, join, isBuffer) => {
    const { send } = await server(100, join)
    const outcome = await send([Buffer.from('ab'), Buffer.from('cd')])
    expect(outcome).toMatchObject({ kind: 'body', isBuffer })
  })

  it('20,000 one-byte chunks between two large ones → the exact bytes, held as a few parts, not 20,000', async () => {
    let parts = 0
    const { sendRawChunks } = await server(1_000_000, (chunks, total) => {
      parts = chunks.length
      return Buffer.concat(chunks, total)
    })
    const big = 'B'.repeat(5000)
    const tiny = Array.from({ length: 20_000 }, (_, i) => String(i % 10))
    const outcome = await sendRawChunks([big, ...tiny, big])
    expect(outcome.kind).toBe('body')
    expect(Buffer.from((outcome as { bytes: Uint8Array }).bytes).toString()).toBe(big + tiny.join('') + big)
    // Node hands over one object per HTTP chunk (hundreds of bytes each): kept one by one, a body sent a
    // byte per chunk cost hundreds of times its size before the limit applied.
    expect(parts).toBeLessThanOrEqual(6)
  })

  it("small chunks only → still handed to join (never a part of the reader's own staging memory)", async () => {
    const { send } = await server(100, Buffer.concat)
    const outcome = await send([Buffer.from('ab'), Buffer.from('cd')])
    expect(outcome).toMatchObject({ kind: 'body', isBuffer: true })
    expect(Buffer.from((outcome as { bytes: Uint8Array }).bytes).toString()).toBe('abcd')
  })
})
