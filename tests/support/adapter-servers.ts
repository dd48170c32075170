// The three adapters, each on a real server on 127.0.0.1, with the same routes, options and handler:
// Express 5 on node:http, Hono on @hono/node-server, and the edge handler behind a minimal node:http →
// Fetch bridge (the edge package has no router: the bridge maps method + path to a handler, as a platform's
// routing would).
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { answerWithFetch } from '@ledgerly/test-support/fetch-bridge'
import type { AdapterOptions } from '@ledgerly/webhooks/http'
import type { IdempotencyOptions } from '@ledgerly/webhooks/idempotency'
import { withLedgerlyWebhook } from '@ledgerly/webhooks-edge'
import { ledgerlyWebhook as expressWebhook } from '@ledgerly/webhooks-express'
import { ledgerlyWebhook as honoWebhook } from '@ledgerly/webhooks-hono'
import express from 'express'
import { Hono } from 'hono'

export const ADAPTERS = ['express', 'hono', 'edge'] as const
export type Adapter = (typeof ADAPTERS)[number]

/** Options every adapter takes alike (the edge adapter also takes `getClientIp`, unused here). */
export type SharedOptions = AdapterOptions & { idempotency?: IdempotencyOptions }

/** One mounted route: `options()` is called once per adapter, so stateful options (a store) are not shared. */
export interface RouteSpec {
  path: string
  /** `POST` as every README mounts it, or `ALL` to see what the middleware itself does with other methods. */
  method: 'POST' | 'ALL'
  options(adapter: Adapter): SharedOptions
}

/** What the handler does, picked per request by the unsigned `x-test-handler` header. */
export type HandlerMode = 'ok' | 'throw' | '422' | 'hold'

export const HANDLER_HEADER = 'x-test-handler'

/** The handler's answer, in framework-neutral form. */
interface HandlerAnswer {
  status: number
  contentType?: string
  body?: string
}

/** Counts handler runs per adapter and can hold a handler until released (for the in-progress case). */
export class HandlerProbe {
  readonly runs: Record<Adapter, number> = { express: 0, hono: 0, edge: 0 }
  /** `onError` calls per adapter, for routes whose hook counts them. */
  readonly hooked: Record<Adapter, number> = { express: 0, hono: 0, edge: 0 }
  #entered: (() => void) | undefined
  #gate: Promise<void> | undefined
  #release: (() => void) | undefined

  /** Arms the next `hold` handler; resolves once it is running. Call `release()` to let it answer. */
  armHold(): Promise<void> {
    this.#gate = new Promise((resolve) => {
      this.#release = resolve
    })
    return new Promise((resolve) => {
      this.#entered = resolve
    })
  }

  release(): void {
    this.#release?.()
  }

  /** The handler body all three adapters run. */
  async run(adapter: Adapter, mode: string | undefined | null): Promise<HandlerAnswer> {
    this.runs[adapter]++
    if (mode === 'throw') throw new Error('handler failed (test)')
    if (mode === '422') {
      return { status: 422, contentType: 'application/json', body: '{"error":"unprocessable"}' }
    }
    if (mode === 'hold') {
      this.#entered?.()
      await this.#gate
    }
    return { status: 204 }
  }
}

export interface RunningAdapter {
  adapter: Adapter
  port: number
  close(): Promise<void>
}

// 128 KiB of headers on every server, so bad-inputs A5 (a 16 KiB signature header) reaches the middleware
// instead of Node's own 431.
const MAX_HEADER_SIZE = 128 * 1024

function listening(server: Server, adapter: Adapter): Promise<RunningAdapter> {
  return new Promise((resolve, reject) => {
    const started = () => {
      resolve({
        adapter,
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections()
            server.close(() => done())
          }),
      })
    }
    if (server.listening) return started()
    server.once('error', reject)
    server.once('listening', started)
  })
}

function startExpress(routes: readonly RouteSpec[], probe: HandlerProbe): Promise<RunningAdapter> {
  const app = express()
  for (const route of routes) {
    const middleware = expressWebhook(route.options('express'))
    const handler = async (req: express.Request, res: express.Response) => {
      const answer = await probe.run('express', req.get(HANDLER_HEADER))
      // Node's own API: no charset or ETag added by res.send, so the three handlers answer byte-alike.
      res.statusCode = answer.status
      if (answer.contentType) res.setHeader('content-type', answer.contentType)
      res.end(answer.body)
    }
    if (route.method === 'POST') app.post(route.path, middleware, handler)
    else app.all(route.path, middleware, handler)
  }
  const server = createServer({ maxHeaderSize: MAX_HEADER_SIZE }, app)
  server.listen(0, '127.0.0.1')
  return listening(server, 'express')
}

function startHono(routes: readonly RouteSpec[], probe: HandlerProbe): Promise<RunningAdapter> {
  const app = new Hono()
  for (const route of routes) {
    const middleware = honoWebhook(route.options('hono'))
    const register = route.method === 'POST' ? app.post.bind(app) : app.all.bind(app)
    register(route.path, middleware, async (c) => {
      const answer = await probe.run('hono', c.req.header(HANDLER_HEADER))
      const headers: Record<string, string> = answer.contentType ? { 'content-type': answer.contentType } : {}
      if (answer.body === undefined) return c.body(null, 204, headers)
      return c.body(answer.body, answer.status as 422, headers)
    })
  }
  const server = serve({
    fetch: app.fetch,
    hostname: '127.0.0.1',
    port: 0,
    serverOptions: { maxHeaderSize: MAX_HEADER_SIZE },
  }) as Server
  return listening(server, 'hono')
}

type FetchHandler = (request: Request, info: unknown) => Promise<Response>

function startEdge(routes: readonly RouteSpec[], probe: HandlerProbe): Promise<RunningAdapter> {
  const table = new Map<string, FetchHandler>()
  for (const route of routes) {
    const handle = withLedgerlyWebhook(async (_webhook, request) => {
      const answer = await probe.run('edge', request.headers.get(HANDLER_HEADER))
      const headers: Record<string, string> = answer.contentType ? { 'content-type': answer.contentType } : {}
      return new Response(answer.body ?? null, { status: answer.status, headers })
    }, route.options('edge'))
    table.set(`${route.method} ${route.path}`, handle as FetchHandler)
  }
  const server = createServer({ maxHeaderSize: MAX_HEADER_SIZE }, (req, res) => {
    const { port } = server.address() as AddressInfo
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const handle = table.get(`${req.method} ${path}`) ?? table.get(`ALL ${path}`)
    if (!handle) {
      // The bridge's own "no route": what a platform's router answers (not the adapter's doing).
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not Found')
      return
    }
    // The peer address in Deno's `info` shape, which the edge adapter's default getClientIp reads: the
    // three adapters get identical options (no getClientIp), each finding the TCP peer itself.
    const info = { remoteAddr: { hostname: req.socket.remoteAddress } }
    answerWithFetch(req, res, port, (request) => handle(request, info))
  })
  server.listen(0, '127.0.0.1')
  return listening(server, 'edge')
}

/** Starts the three adapters with the same routes and one shared {@link HandlerProbe}. */
export async function startAdapters(
  routes: readonly RouteSpec[],
  probe: HandlerProbe,
): Promise<Record<Adapter, RunningAdapter>> {
  const [expressServer, honoServer, edgeServer] = await Promise.all([
    startExpress(routes, probe),
    startHono(routes, probe),
    startEdge(routes, probe),
  ])
  return { express: expressServer, hono: honoServer, edge: edgeServer }
}
