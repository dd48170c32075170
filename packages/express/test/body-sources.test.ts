// Where the body comes from: read by us, left by express.raw(), or already parsed by the app (refused).
import { request } from 'node:http'
import { gzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { ledgerlyWebhook } from '../src/index.js'
import { post } from './helpers/client.js'
import { EXPRESS_VERSIONS, type ExpressModule, listen, type RunningServer } from './helpers/servers.js'
import { clock, entryBody, SECRET, signedHeaders } from './helpers/signing.js'

const BODY = entryBody()

/** A body-parser `verify` hook that keeps the exact bytes, as Cloud Functions and Firebase do. */
function keepRawBody(req: unknown, _res: unknown, buf: Buffer): void {
  ;(req as { rawBody?: Buffer }).rawBody = buf
}

describe.each(EXPRESS_VERSIONS)('$name', ({ express: expressModule }) => {
  const express = expressModule as ExpressModule
  let server: RunningServer | undefined
  let seen: unknown[] = []
  afterEach(async () => {
    await server?.close()
    seen = []
  })

  /** An app with `before` middleware in front of the webhook route; the handler echoes the event. */
  async function start(
    before: ((app: ReturnType<typeof express>) => void) | undefined,
    route: unknown[] = [],
  ) {
    const app = express()
    before?.(app)
    const verify = ledgerlyWebhook({ secret: SECRET, now: clock, onError: (error) => void seen.push(error) })
    app.post('/webhooks', ...(route as []), verify, (req, res) => {
      res.json({ id: req.ledgerly?.id, raw: Buffer.from(req.ledgerly!.raw).toString('utf8') === BODY })
    })
    server = await listen(app)
    return server
  }

  it("a small body in two chunks → req.ledgerly.raw owns its memory (not a view into Node's shared pool)", async () => {
    const app = express()
    app.post('/webhooks', ledgerlyWebhook({ secret: SECRET, now: clock }), (req, res) => {
      const raw = req.ledgerly!.raw
      res.json({ length: raw.byteLength, backing: raw.buffer.byteLength, offset: raw.byteOffset })
    })
    server = await listen(app)
    const port = server.port
    const answer = await new Promise<string>((resolve, reject) => {
      const req = request({
        port,
        host: '127.0.0.1',
        method: 'POST',
        path: '/webhooks',
        headers: signedHeaders(BODY),
      })
      req.on('error', reject)
      req.on('response', (res) => {
        let text = ''
        res.on('data', (chunk) => (text += chunk))
        res.on('end', () => resolve(text))
      })
      req.write(BODY.slice(0, 10))
      setTimeout(() => req.end(BODY.slice(10)), 30)
    })
    const length = Buffer.byteLength(BODY)
    expect(length).toBeLessThan(4096)
    expect(JSON.parse(answer)).toEqual({ length, backing: length, offset: 0 })
  })

  it('no body parser → read from the stream → 200', async () => {
    const { port } = await start(undefined)
    const answer = await post(port, { headers: signedHeaders(BODY), body: BODY })
    expect(answer.status).toBe(200)
    expect(answer.json).toEqual({ id: 'entry-1', raw: true })
  })

  it('express.raw() on the route → its Buffer is verified → 200', async () => {
    const { port } = await start(undefined, [express.raw({ type: '*/*' })])
    const answer = await post(port, { headers: signedHeaders(BODY), body: BODY })
    expect(answer.json).toEqual({ id: 'entry-1', raw: true })
  })

  it.each([
    [
      'global express.json()',
      (app: ReturnType<typeof express>) => app.use(express.json()),
      'a parsed object',
    ],
    [
      'global express.urlencoded()',
      (app: ReturnType<typeof express>) => app.use(express.urlencoded({ extended: false })),
      'a parsed object',
    ],
    [
      'global express.text()',
      (app: ReturnType<typeof express>) => app.use(express.text({ type: '*/*' })),
      'a string',
    ],
  ])('%s → PAYLOAD_NOT_RAW 500 with how to mount the route', async (_name, mount, kind) => {
    const { port } = await start(mount)
    const type = _name.includes('urlencoded') ? 'application/x-www-form-urlencoded' : 'application/json'
    const answer = await post(port, { headers: { ...signedHeaders(BODY), 'content-type': type }, body: BODY })
    expect(answer.status).toBe(500)
    expect(answer.json?.code).toBe('PAYLOAD_NOT_RAW')
    const message = (seen[0] as Error).message
    expect(message).toContain(kind)
    expect(message).toContain('before app.use(express.json())')
    expect(message).toContain('express.raw(')
    // The sender sees the code, never the explanation meant for the app's developer.
    expect(answer.text).not.toContain('express.raw')
  })

  it('global express.json() with another content type leaves the stream unread → 200', async () => {
    // Express 4 sets req.body = {} here although it read nothing; that must not be mistaken for a parsed body.
    const { port } = await start((app) => app.use(express.json()))
    const answer = await post(port, {
      headers: { ...signedHeaders(BODY), 'content-type': 'application/octet-stream' },
      body: BODY,
    })
    expect(answer.json).toEqual({ id: 'entry-1', raw: true })
  })

  it('the app re-serialised the parsed body into a Buffer → SIGNATURE_MISMATCH 401', async () => {
    const { port } = await start((app) =>
      app.use(express.json(), (req, _res, next) => {
        req.body = Buffer.from(JSON.stringify(req.body, null, 1))
        next()
      }),
    )
    const answer = await post(port, { headers: signedHeaders(BODY), body: BODY })
    expect(answer.status).toBe(401)
    expect(answer.json?.code).toBe('SIGNATURE_MISMATCH')
  })

  // Google Cloud Functions and Firebase parse JSON before any app code runs and keep the bytes as
  // req.rawBody; a body-parser `verify` hook often does the same.
  it.each([
    [
      'Cloud Functions style: body parsed, exact bytes in req.rawBody',
      200,
      undefined,
      (app: ReturnType<typeof express>) => app.use(express.json({ verify: keepRawBody })),
    ],
    [
      'req.rawBody holding other bytes than were signed',
      401,
      'SIGNATURE_MISMATCH',
      (app: ReturnType<typeof express>) =>
        app.use(express.json(), (req, _res, next) => {
          ;(req as { rawBody?: Buffer }).rawBody = Buffer.from(JSON.stringify(req.body, null, 1))
          next()
        }),
    ],
    [
      'req.rawBody that is a string, not bytes',
      500,
      'PAYLOAD_NOT_RAW',
      (app: ReturnType<typeof express>) =>
        app.use(express.json(), (req, _res, next) => {
          ;(req as { rawBody?: string }).rawBody = BODY
          next()
        }),
    ],
  ])('%s → %i', async (_name, status, code, mount) => {
    const { port } = await start(mount)
    const answer = await post(port, { headers: signedHeaders(BODY), body: BODY })
    expect(answer.status).toBe(status)
    if (code) expect(answer.json?.code).toBe(code)
    else expect(answer.json).toEqual({ id: 'entry-1', raw: true })
  })

  it('req.rawBody over maxBodyBytes → PAYLOAD_TOO_LARGE 413', async () => {
    const app = express()
    app.use(express.json({ verify: keepRawBody }))
    app.post('/webhooks', ledgerlyWebhook({ secret: SECRET, now: clock, maxBodyBytes: 10 }), (_req, res) => {
      res.json({})
    })
    server = await listen(app)
    const answer = await post(server.port, { headers: signedHeaders(BODY), body: BODY })
    expect(answer.status).toBe(413)
  })

  it('a middleware drained the stream and left nothing → PAYLOAD_NOT_RAW 500', async () => {
    const { port } = await start((app) =>
      app.use((req, _res, next) => {
        req.resume()
        req.on('end', () => next())
      }),
    )
    const answer = await post(port, { headers: signedHeaders(BODY), body: BODY })
    expect(answer.json?.code).toBe('PAYLOAD_NOT_RAW')
    expect((seen[0] as Error).message).toContain('already consumed')
  })

  describe('Content-Encoding and charset (documented in the README)', () => {
    it('gzip body signed before compression → never inflated → SIGNATURE_MISMATCH 401', async () => {
      const { port } = await start(undefined)
      const headers = { ...signedHeaders(BODY), 'content-encoding': 'gzip' }
      const answer = await post(port, { headers, body: gzipSync(BODY) })
      expect(answer.json?.code).toBe('SIGNATURE_MISMATCH')
    })

    it('gzip body signed as compressed → signature holds, not JSON → INVALID_PAYLOAD 400', async () => {
      const { port } = await start(undefined)
      const compressed = gzipSync(BODY)
      const answer = await post(port, {
        headers: { ...signedHeaders(compressed), 'content-encoding': 'gzip' },
        body: compressed,
      })
      expect(answer.json?.code).toBe('INVALID_PAYLOAD')
    })

    it('gzip body on a route with express.raw() (inflate on by default) → body-parser inflates it first → 200', async () => {
      const { port } = await start(undefined, [express.raw({ type: '*/*' })])
      const headers = { ...signedHeaders(BODY), 'content-encoding': 'gzip' }
      expect((await post(port, { headers, body: gzipSync(BODY) })).status).toBe(200)
    })

    it('the same with express.raw({ inflate: false }) → body-parser refuses the encoding itself (415), nothing verified', async () => {
      const { port } = await start(undefined, [express.raw({ type: '*/*', inflate: false })])
      const headers = { ...signedHeaders(BODY), 'content-encoding': 'gzip' }
      expect((await post(port, { headers, body: gzipSync(BODY) })).status).toBe(415)
    })

    it('text/plain content type → the type is not checked → 200', async () => {
      const { port } = await start(undefined)
      const answer = await post(port, {
        headers: { ...signedHeaders(BODY), 'content-type': 'text/plain' },
        body: BODY,
      })
      expect(answer.status).toBe(200)
    })

    it('charset=iso-8859-1 with Latin-1 bytes → bytes verified as sent, JSON must be UTF-8 → INVALID_PAYLOAD 400', async () => {
      const { port } = await start(undefined)
      const latin1 = Buffer.from(
        JSON.stringify({ event: 'entry_persisted', data: { id: 'caf\u00e9' } }),
        'latin1',
      )
      const headers = { ...signedHeaders(latin1), 'content-type': 'application/json; charset=iso-8859-1' }
      const answer = await post(port, { headers, body: latin1 })
      expect(answer.json?.code).toBe('INVALID_PAYLOAD')
    })

    it('charset=utf-8 → 200', async () => {
      const { port } = await start(undefined)
      const headers = { ...signedHeaders(BODY), 'content-type': 'application/json; charset=utf-8' }
      expect((await post(port, { headers, body: BODY })).status).toBe(200)
    })
  })
})
