// maxBodyBytes: 413 before the body is buffered, with and without Content-Length, and the server stays up.
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LINGER_MS } from '../src/answer.js'
import { ledgerlyWebhook } from '../src/index.js'
import { post } from './helpers/client.js'
import { EXPRESS_VERSIONS, listen, type RunningServer } from './helpers/servers.js'
import { clock, entryBody, SECRET, signedHeaders } from './helpers/signing.js'
import { upload } from './helpers/upload.js'

const MiB = 1024 * 1024
const LIMIT = 10 * MiB

/** A signed-able JSON body of exactly `size` bytes. */
function bodyOfSize(size: number): Buffer {
  const head = '{"event":"entry_persisted","data":{"id":"big","pad":"'
  const tail = '"}}'
  return Buffer.from(head + 'x'.repeat(size - head.length - tail.length) + tail)
}

/** Sends only the head of a request declaring `length` bytes, and reads what comes back without sending any. */
function headOnly(port: number, length: number): Promise<string> {
  return new Promise(function send(resolve, reject) {
    const socket = connect(port, '127.0.0.1')
    let text = ''
    socket.on('data', (data: Buffer) => {
      text += data.toString('latin1')
      if (text.includes('\r\n\r\n') && text.endsWith('}')) {
        socket.destroy()
        resolve(text)
      }
    })
    socket.on('error', reject)
    socket.write(
      `POST /webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`,
    )
  })
}

/** A raw client that sends chunks forever, whatever the server answers; resolves when the server cuts it. */
function endlessUpload(
  port: number,
  path: string,
): Promise<{ answer: string; answeredAt: number; closedAt: number }> {
  return new Promise(function send(resolve) {
    const socket = connect(port, '127.0.0.1')
    const frame = Buffer.concat([Buffer.from('10000\r\n'), Buffer.alloc(0x10000, 0x61), Buffer.from('\r\n')])
    let answer = ''
    let answeredAt = 0
    socket.on('data', (data: Buffer) => {
      answer += data.toString('latin1')
      answeredAt ||= Date.now()
    })
    socket.on('error', () => undefined)
    socket.on('close', () => resolve({ answer, answeredAt, closedAt: Date.now() }))
    function pump(): void {
      while (!socket.destroyed && socket.write(frame));
      if (!socket.destroyed) socket.once('drain', pump)
    }
    socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n`)
    pump()
  })
}

describe.each(EXPRESS_VERSIONS)('$name', ({ express }) => {
  let server: RunningServer
  let handled = 0

  beforeAll(async () => {
    const app = express()
    const handler = (_req: unknown, res: { sendStatus(code: number): void }) => {
      handled++
      res.sendStatus(204)
    }
    app.post('/webhooks', ledgerlyWebhook({ secret: SECRET, now: clock }), handler)
    app.post(
      '/large',
      ledgerlyWebhook({ secret: SECRET, now: clock, maxBodyBytes: 12 * MiB, maxPayloadBytes: 12 * MiB }),
      handler,
    )
    app.post('/small', ledgerlyWebhook({ secret: SECRET, now: clock, maxBodyBytes: 1024 }), handler)
    app.post(
      '/raw',
      express.raw({ type: '*/*' }),
      ledgerlyWebhook({ secret: SECRET, now: clock, maxBodyBytes: 64 }),
      handler,
    )
    server = await listen(app)
  })
  afterAll(() => server.close())

  it('Content-Length: 50 MiB, no body sent → 413 PAYLOAD_TOO_LARGE without waiting for the body', async () => {
    const text = await headOnly(server.port, 50 * MiB)
    expect(text).toMatch(/^HTTP\/1\.1 413 /)
    expect(text.toLowerCase()).toContain('connection: close')
    expect(text).toContain('"code":"PAYLOAD_TOO_LARGE"')
  })

  it('Content-Length over maxBodyBytes, body sent → 413, handler not run', async () => {
    const body = bodyOfSize(2048)
    const answer = await post(server.port, { path: '/small', headers: signedHeaders(body), body })
    expect(answer.status).toBe(413)
    expect(answer.json?.code).toBe('PAYLOAD_TOO_LARGE')
    expect(handled).toBe(0)
  })

  it('chunked body of exactly 10 MiB, signed → 204 (the limit is inclusive)', async () => {
    const body = bodyOfSize(LIMIT)
    const result = await upload(server.port, {
      headers: signedHeaders(body),
      total: body.length,
      chunk: body,
    })
    expect(result.status).toBe(204)
    expect(handled).toBe(1)
  })

  it('chunked body of 10 MiB + 1 byte → 413 PAYLOAD_TOO_LARGE, Connection: close', async () => {
    const body = bodyOfSize(LIMIT + 1)
    const result = await upload(server.port, {
      headers: signedHeaders(body),
      total: body.length,
      chunk: body,
      ignoreEarlyAnswer: true,
    })
    expect(result.status).toBe(413)
    expect(result.headers.connection).toBe('close')
    expect(result.headers['content-type']).toBe('application/problem+json')
    expect(JSON.parse(result.text).code).toBe('PAYLOAD_TOO_LARGE')
    expect(handled).toBe(1)
  })

  it('chunked 50 MiB → the 413 arrives while the client is still uploading', async () => {
    const result = await upload(server.port, {
      headers: { 'content-type': 'application/json' },
      total: 50 * MiB,
    })
    expect(result.status).toBe(413)
    expect(result.sentBeforeAnswer).toBeLessThan(50 * MiB)
  })

  it('chunked 50 MiB sent to the end by a client that ignores the early answer → it still reads the 413', async () => {
    const result = await upload(server.port, { total: 50 * MiB, ignoreEarlyAnswer: true })
    expect(result.status).toBe(413)
  })

  it('Content-Length: 50 MiB sent in full → 413 (drained, not a reset)', async () => {
    const result = await upload(server.port, {
      total: 50 * MiB,
      declareLength: true,
      ignoreEarlyAnswer: true,
    })
    expect(result.status).toBe(413)
  })

  it('11 MiB body with maxBodyBytes and maxPayloadBytes both 12 MiB → 204 (the README says: raise both)', async () => {
    const body = bodyOfSize(11 * MiB)
    const result = await upload(server.port, {
      path: '/large',
      headers: signedHeaders(body),
      total: body.length,
      chunk: body,
    })
    expect(result.status).toBe(204)
  })

  it('express.raw() Buffer over maxBodyBytes → 413', async () => {
    const body = bodyOfSize(65)
    const answer = await post(server.port, { path: '/raw', headers: signedHeaders(body), body })
    expect(answer.json?.code).toBe('PAYLOAD_TOO_LARGE')
  })

  it('an endless upload after the 413 → the server cuts the connection (lingering close is bounded)', async () => {
    const { answer, answeredAt, closedAt } = await endlessUpload(server.port, '/small')
    expect(answer).toMatch(/^HTTP\/1\.1 413 /)
    // This client never stops sending on its own: the socket closes only because the server cut it.
    expect(closedAt - answeredAt).toBeGreaterThanOrEqual(LINGER_MS - 1_000)
  })

  it('after all of that the server still answers → 204', async () => {
    const body = entryBody()
    const answer = await post(server.port, { headers: signedHeaders(body), body })
    expect(answer.status).toBe(204)
  })
})
