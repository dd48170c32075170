// Options: validated once when the middleware is built; the onError hook; allowedIps and trustProxy;
// secret rotation and the Standard Webhooks scheme through the adapter.
import { signSync } from '@ledgerly/webhooks'
import type { ProblemResponse } from '@ledgerly/webhooks/http'
import { afterEach, describe, expect, it } from 'vitest'
import { type ExpressWebhookOptions, ledgerlyWebhook } from '../src/index.js'
import { post } from './helpers/client.js'
import { EXPRESS_VERSIONS, listen, type RunningServer } from './helpers/servers.js'
import { clock, entryBody, NOW, SECRET, signedHeaders } from './helpers/signing.js'

const BODY = entryBody()

describe('options validated when the middleware is built', () => {
  it.each<[string, unknown, ErrorConstructor]>([
    ['no options → TypeError', undefined, TypeError],
    ['no secret → TypeError', {}, TypeError],
    ['secret "" → TypeError', { secret: '' }, TypeError],
    ['secret with a trailing newline → TypeError', { secret: 'abc\n' }, TypeError],
    ['tolerance -1 → RangeError', { secret: SECRET, tolerance: -1 }, RangeError],
    ['tolerance NaN → RangeError', { secret: SECRET, tolerance: Number.NaN }, RangeError],
    ['maxBodyBytes 0 → RangeError', { secret: SECRET, maxBodyBytes: 0 }, RangeError],
    ['maxBodyBytes 1.5 → RangeError', { secret: SECRET, maxBodyBytes: 1.5 }, RangeError],
    ['maxBodyBytes "10mb" → RangeError', { secret: SECRET, maxBodyBytes: '10mb' }, RangeError],
    [
      'allowedIps "10.0.0.0/8" (not an array) → TypeError',
      { secret: SECRET, allowedIps: '10.0.0.0/8' },
      TypeError,
    ],
    ['allowedIps ["10.0.0.0/33"] → TypeError', { secret: SECRET, allowedIps: ['10.0.0.0/33'] }, TypeError],
    ['trustProxy -1 → TypeError', { secret: SECRET, trustProxy: -1 }, TypeError],
    ['onError "log" → TypeError', { secret: SECRET, onError: 'log' }, TypeError],
  ])('%s', (_name, options, errorType) => {
    expect(() => ledgerlyWebhook(options as ExpressWebhookOptions)).toThrow(errorType)
  })

  it('the secret never appears in a validation message', () => {
    const secret = ' my-very-secret-value'
    expect(() => ledgerlyWebhook({ secret })).toThrow(/whitespace/)
    try {
      ledgerlyWebhook({ secret })
    } catch (error) {
      expect((error as Error).message).not.toContain('my-very-secret-value')
    }
  })
})

describe.each(EXPRESS_VERSIONS)('$name', ({ express }) => {
  let server: RunningServer | undefined
  afterEach(() => server?.close())

  async function start(options: Partial<ExpressWebhookOptions>) {
    const app = express()
    app.post('/webhooks', ledgerlyWebhook({ secret: SECRET, now: clock, ...options }), (req, res) => {
      res.json({ id: req.ledgerly?.id, secretIndex: req.ledgerly?.secretIndex, scheme: req.ledgerly?.scheme })
    })
    server = await listen(app)
    return server.port
  }

  describe('onError', () => {
    it('sees the error and the default answer; returning nothing keeps it', async () => {
      const seen: [unknown, ProblemResponse][] = []
      const port = await start({ onError: (error, problem) => void seen.push([error, problem]) })
      const answer = await post(port, { headers: { 'content-type': 'application/json' }, body: BODY })
      expect(answer.json?.code).toBe('MISSING_SIGNATURE')
      expect(seen).toHaveLength(1)
      expect((seen[0]![0] as { code: string }).code).toBe('MISSING_SIGNATURE')
      expect(seen[0]![1].status).toBe(400)
    })

    it('an async hook returning a ProblemResponse → that answer is sent', async () => {
      const port = await start({
        onError: async (_error, problem) => ({
          ...problem,
          status: 404,
          headers: { 'content-type': 'text/plain' },
          body: 'nope',
        }),
      })
      const answer = await post(port, { headers: { 'content-type': 'application/json' }, body: BODY })
      expect([answer.status, answer.headers['content-type'], answer.text]).toEqual([
        404,
        'text/plain',
        'nope',
      ])
    })

    it('a hook that throws → 500 INTERNAL_ERROR, no unhandled rejection, server up', async () => {
      const port = await start({
        onError: () => {
          throw new Error('logger down')
        },
      })
      const answer = await post(port, { headers: { 'content-type': 'application/json' }, body: BODY })
      expect(answer.status).toBe(500)
      expect(answer.json?.code).toBe('INTERNAL_ERROR')
      expect(answer.text).not.toContain('logger down')
      expect((await post(port, { headers: signedHeaders(BODY), body: BODY })).status).toBe(200)
    })
  })

  describe('allowedIps and trustProxy', () => {
    it.each<[string, Partial<ExpressWebhookOptions>, Record<string, string>, number]>([
      ['peer 127.0.0.1 in ["127.0.0.0/8"] → 200', { allowedIps: ['127.0.0.0/8'] }, {}, 200],
      ['peer 127.0.0.1 in ["::ffff:127.0.0.1"] → 200', { allowedIps: ['::ffff:127.0.0.1'] }, {}, 200],
      ['peer 127.0.0.1 not in ["10.0.0.0/8"] → 403', { allowedIps: ['10.0.0.0/8'] }, {}, 403],
      [
        'spoofed X-Forwarded-For without trustProxy → ignored → 403',
        { allowedIps: ['203.0.113.0/24'] },
        { 'x-forwarded-for': '203.0.113.7' },
        403,
      ],
      [
        'trustProxy 1, X-Forwarded-For in the list → 200',
        { allowedIps: ['203.0.113.0/24'], trustProxy: 1 },
        { 'x-forwarded-for': '203.0.113.7' },
        200,
      ],
      [
        'trustProxy true, IPv6 X-Forwarded-For in the list → 200',
        { allowedIps: ['2001:db8::/32'], trustProxy: true },
        { 'x-forwarded-for': '2001:db8::7' },
        200,
      ],
      [
        'trustProxy 1, X-Forwarded-For outside the list → 403',
        { allowedIps: ['203.0.113.0/24'], trustProxy: 1 },
        { 'x-forwarded-for': '198.51.100.1' },
        403,
      ],
      [
        'trustProxy 1, client-prepended entry is not trusted → 403',
        { allowedIps: ['203.0.113.0/24'], trustProxy: 1 },
        { 'x-forwarded-for': '203.0.113.7, 198.51.100.1' },
        403,
      ],
      [
        'trustProxy 2, two proxies → the 2nd from the right → 200',
        { allowedIps: ['203.0.113.0/24'], trustProxy: 2 },
        { 'x-forwarded-for': '203.0.113.7, 10.0.0.1' },
        200,
      ],
      ['trustProxy 1, no X-Forwarded-For → 403', { allowedIps: ['203.0.113.0/24'], trustProxy: 1 }, {}, 403],
      [
        'trustProxy 1, garbage X-Forwarded-For → 403',
        { allowedIps: ['203.0.113.0/24'], trustProxy: 1 },
        { 'x-forwarded-for': 'not-an-ip' },
        403,
      ],
    ])('%s', async (_name, options, extra, status) => {
      const port = await start(options)
      const answer = await post(port, { headers: { ...signedHeaders(BODY), ...extra }, body: BODY })
      expect(answer.status).toBe(status)
      if (status === 403) expect(answer.json?.code).toBe('FORBIDDEN_SOURCE')
    })
  })

  it('secret rotation: signed with the old secret while both are configured → 200, secretIndex 1', async () => {
    const port = await start({ secret: ['the-new-secret', SECRET] })
    const answer = await post(port, { headers: signedHeaders(BODY), body: BODY })
    expect(answer.json).toMatchObject({ id: 'entry-1', secretIndex: 1 })
  })

  it('only the new secret configured → SIGNATURE_MISMATCH 401', async () => {
    const port = await start({ secret: 'the-new-secret' })
    expect((await post(port, { headers: signedHeaders(BODY), body: BODY })).json?.code).toBe(
      'SIGNATURE_MISMATCH',
    )
  })

  it('scheme "standard-webhooks" → verified, id from webhook-id', async () => {
    const secret = `whsec_${Buffer.from('a standard webhooks key').toString('base64')}`
    const port = await start({ secret, scheme: 'standard-webhooks' })
    const headers = signSync(BODY, { secret, scheme: 'standard-webhooks', id: 'msg_1', timestamp: NOW })
    const answer = await post(port, {
      headers: { ...headers, 'content-type': 'application/json' },
      body: BODY,
    })
    expect(answer.json).toMatchObject({ scheme: 'standard-webhooks' })
  })
})
