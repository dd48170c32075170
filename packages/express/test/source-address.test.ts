// allowedIps against the address Node gives the request: none on a Unix socket (an app behind nginx's
// `proxy_pass http://unix:…`), a real one on TCP, none either once the client has hung up. The core's
// sourceRefusal() decides, as in the Hono and edge adapters: no address is the receiver's configuration
// (500, logged: a 4xx would make Ledgerly drop every webhook for good), a client already gone gets no
// answer, and only a real address outside the list is 403. Real servers and sockets throughout.
import type { ServerResponse } from 'node:http'
import type { ProblemResponse } from '@ledgerly/webhooks/http'
import type { RequestHandler } from 'express'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type ExpressWebhookOptions, ledgerlyWebhook } from '../src/index.js'
import { openConnection, post, type Target } from './helpers/client.js'
import { EXPRESS_VERSIONS, listen, listenOnUnixSocket } from './helpers/servers.js'
import { clock, entryBody, SECRET, signedHeaders } from './helpers/signing.js'

const BODY = entryBody('source-1')

type Transport = 'unix' | '127.0.0.1' | '::1' | '::'

describe.each(EXPRESS_VERSIONS)('$name', ({ express }) => {
  const running: { close(): Promise<void> }[] = []
  afterEach(async () => {
    for (const server of running.splice(0)) await server.close()
    vi.restoreAllMocks()
  })

  /** The webhook route, optionally behind a middleware of the app's own that runs first. */
  function webhookApp(
    options: Partial<ExpressWebhookOptions>,
    before?: RequestHandler,
    onHandler?: () => void,
  ) {
    const app = express()
    const verify = ledgerlyWebhook({ secret: SECRET, now: clock, ...options })
    const handler: RequestHandler = (req, res) => {
      onHandler?.()
      res.json({ id: req.ledgerly?.id })
    }
    if (before) app.post('/webhooks', before, verify, handler)
    else app.post('/webhooks', verify, handler)
    return app
  }

  /** Serves `app` on a Unix socket, or on TCP at one of the loopback hosts; returns where to send. */
  async function serve(app: ReturnType<typeof express>, transport: Transport): Promise<Target> {
    if (transport === 'unix') {
      const server = await listenOnUnixSocket(app)
      running.push(server)
      return { socketPath: server.socketPath }
    }
    const server = await listen(app, transport)
    running.push(server)
    // A dual-stack server is reached over IPv4: its peer is then ::ffff:127.0.0.1.
    return { host: transport === '::' ? '127.0.0.1' : transport, port: server.port }
  }

  function silencedConsoleError() {
    return vi.spyOn(console, 'error').mockImplementation(() => undefined)
  }

  describe('no source address: a server on a Unix socket', () => {
    it('Unix socket, allowedIps ["127.0.0.1"], signed, no onError → 500 problem+json, logged with console.error', async () => {
      const logged = silencedConsoleError()
      const to = await serve(webhookApp({ allowedIps: ['127.0.0.1'] }), 'unix')
      const answer = await post(to, { headers: signedHeaders(BODY), body: BODY })
      expect(answer.status).toBe(500)
      expect(answer.headers['content-type']).toBe('application/problem+json')
      expect(answer.json).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' })
      // The sender sees the fixed title only; the advice goes to the log.
      expect(answer.text).not.toContain('Unix socket')
      expect(logged).toHaveBeenCalledTimes(1)
      const [message, error] = logged.mock.calls[0]!
      expect(message).toContain('answered 500 INTERNAL_ERROR')
      expect(error).toMatchObject({ name: 'UnknownSourceError' })
      expect((error as Error).message).toMatch(/req\.socket\.remoteAddress.*Unix socket.*trustProxy/)
    })

    it('Unix socket, allowedIps ["127.0.0.1"], signed, onError → 500, the hook gets the UnknownSourceError, nothing logged', async () => {
      const logged = silencedConsoleError()
      const seen: [unknown, ProblemResponse][] = []
      const app = webhookApp({
        allowedIps: ['127.0.0.1'],
        onError: (error, problem) => void seen.push([error, problem]),
      })
      const answer = await post(await serve(app, 'unix'), { headers: signedHeaders(BODY), body: BODY })
      expect([answer.status, answer.json?.code]).toEqual([500, 'INTERNAL_ERROR'])
      expect(seen).toHaveLength(1)
      expect(seen[0]![0]).toMatchObject({ name: 'UnknownSourceError' })
      expect((seen[0]![0] as Error).message).toContain('Unix socket')
      expect(seen[0]![1].status).toBe(500)
      expect(logged).not.toHaveBeenCalled()
    })

    // The fix the message names: behind a proxy that appends X-Forwarded-For, trustProxy reads it.
    it.each<[string, Partial<ExpressWebhookOptions>, Record<string, string>, number]>([
      ['Unix socket, no allowedIps → 200', {}, {}, 200],
      [
        'Unix socket, trustProxy 1, X-Forwarded-For in the list → 200',
        { allowedIps: ['203.0.113.0/24'], trustProxy: 1 },
        { 'x-forwarded-for': '203.0.113.7' },
        200,
      ],
      [
        'Unix socket, trustProxy 1, X-Forwarded-For outside the list → 403',
        { allowedIps: ['203.0.113.0/24'], trustProxy: 1 },
        { 'x-forwarded-for': '198.51.100.1' },
        403,
      ],
      [
        'Unix socket, trustProxy 1, no X-Forwarded-For → 403',
        { allowedIps: ['203.0.113.0/24'], trustProxy: 1 },
        {},
        403,
      ],
    ])('%s', async (_name, options, extra, status) => {
      const to = await serve(webhookApp(options), 'unix')
      const answer = await post(to, { headers: { ...signedHeaders(BODY), ...extra }, body: BODY })
      expect(answer.status).toBe(status)
      if (status === 403) expect(answer.json?.code).toBe('FORBIDDEN_SOURCE')
    })
  })

  describe('a real address on TCP: unchanged', () => {
    it.each<[string, Transport, string[], number]>([
      ['TCP 127.0.0.1, allowedIps ["127.0.0.1"] → 200', '127.0.0.1', ['127.0.0.1'], 200],
      ['TCP 127.0.0.1, allowedIps ["10.0.0.0/8"] → 403 FORBIDDEN_SOURCE', '127.0.0.1', ['10.0.0.0/8'], 403],
      ['TCP ::1, allowedIps ["::1"] → 200', '::1', ['::1'], 200],
      ['TCP ::1, allowedIps ["127.0.0.1"] → 403 FORBIDDEN_SOURCE', '::1', ['127.0.0.1'], 403],
      ['dual-stack, peer ::ffff:127.0.0.1, allowedIps ["127.0.0.1"] → 200', '::', ['127.0.0.1'], 200],
      ['dual-stack, peer ::ffff:127.0.0.1, allowedIps ["10.0.0.0/8"] → 403', '::', ['10.0.0.0/8'], 403],
    ])('%s', async (_name, transport, allowedIps, status) => {
      const logged = silencedConsoleError()
      const to = await serve(webhookApp({ allowedIps }), transport)
      const answer = await post(to, { headers: signedHeaders(BODY), body: BODY })
      expect(answer.status).toBe(status)
      if (status === 200) expect(answer.json).toEqual({ id: 'source-1' })
      else expect(answer.json?.code).toBe('FORBIDDEN_SOURCE')
      expect(logged).not.toHaveBeenCalled()
    })
  })

  describe('the client hangs up before the allowlist decision', () => {
    interface Drop {
      transport: Transport
      /** `whole`: the request arrived complete; `mid-body`: the upload stopped halfway. */
      cut: 'whole' | 'mid-body'
      allowedIps?: string[]
      /** Read `req.ip` first, as a request logger does: Node then keeps the address after the hang-up. */
      readIpFirst?: boolean
      hook?: boolean
    }

    it.each<[string, Drop]>([
      [
        'TCP, whole request, allowedIps → no answer, nothing logged',
        { transport: '127.0.0.1', cut: 'whole', allowedIps: ['127.0.0.1'] },
      ],
      [
        'TCP, upload cut mid-body, allowedIps → no answer, nothing logged',
        { transport: '127.0.0.1', cut: 'mid-body', allowedIps: ['127.0.0.1'] },
      ],
      [
        'Unix socket, whole request, allowedIps → no answer, nothing logged',
        { transport: 'unix', cut: 'whole', allowedIps: ['127.0.0.1'] },
      ],
      [
        'Unix socket, upload cut mid-body, allowedIps → no answer, nothing logged',
        { transport: 'unix', cut: 'mid-body', allowedIps: ['127.0.0.1'] },
      ],
      [
        'Unix socket, whole request, allowedIps, onError → no answer, the hook not called',
        { transport: 'unix', cut: 'whole', allowedIps: ['127.0.0.1'], hook: true },
      ],
      [
        'TCP, req.ip read by a logger first (address kept, allowed) → no answer, nothing logged',
        { transport: '127.0.0.1', cut: 'whole', allowedIps: ['127.0.0.1'], readIpFirst: true },
      ],
      [
        'TCP, no allowedIps, whole request → no answer, nothing logged',
        { transport: '127.0.0.1', cut: 'whole' },
      ],
    ])('%s', async (_name, drop) => {
      const logged = silencedConsoleError()
      const hookCalls: unknown[] = []
      let arrived!: () => void
      const arrival = new Promise<void>((resolve) => {
        arrived = resolve
      })
      let decided!: () => void
      const decision = new Promise<void>((resolve) => {
        decided = resolve
      })
      let response: ServerResponse | undefined
      let handlerRan = false
      // A middleware of the app's own that is still busy when the client hangs up: it hands the request
      // on only once the socket has closed.
      const slow: RequestHandler = (req, res, next) => {
        response = res
        if (drop.readIpFirst) void req.ip
        req.socket.once('close', () => {
          setImmediate(() => {
            next()
            // Our middleware answers (or not) within a few ticks; give it far more.
            setTimeout(decided, 50)
          })
        })
        arrived()
      }
      const app = webhookApp(
        {
          ...(drop.allowedIps ? { allowedIps: drop.allowedIps } : {}),
          ...(drop.hook ? { onError: (error: unknown) => void hookCalls.push(error) } : {}),
        },
        slow,
        () => {
          handlerRan = true
        },
      )
      const client = openConnection(await serve(app, drop.transport))
      client.on('error', () => undefined)
      const headers = Object.entries(signedHeaders(BODY))
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('')
      const body = drop.cut === 'whole' ? BODY : BODY.slice(0, BODY.length >> 1)
      client.write(
        `POST /webhooks HTTP/1.1\r\nHost: localhost\r\ncontent-length: ${BODY.length}\r\n${headers}\r\n${body}`,
      )
      await arrival
      client.destroy()
      await decision

      expect(response?.statusCode, 'no status was set for an answer').toBe(200)
      expect(response?.headersSent).toBe(false)
      expect(logged).not.toHaveBeenCalled()
      expect(hookCalls).toEqual([])
      expect(handlerRan).toBe(false)
    })
  })
})
