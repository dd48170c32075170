// Run by bun-conn-info.test.ts with Bun itself (Bun runs TypeScript and resolves `.js` to `.ts`): serves the
// middleware from source on an ephemeral loopback port and prints the port for the test to read. Each route's
// handler answers with the body it read and what Bun says about the peer of its `c.req.raw`.
import { NOW_MS, SECRET } from '@ledgerly/test-support/wire-cases'
import { Hono, type MiddlewareHandler } from 'hono'
import { getConnInfo } from 'hono/bun'
import { ledgerlyWebhook } from '../../src/index.js'

interface BunServer {
  port: number
  requestIP(request: Request): { address: string } | null
}
declare const Bun: {
  serve(options: {
    hostname: string
    port: number
    fetch: (request: Request, server: BunServer) => Response | Promise<Response>
  }): BunServer
}

const BEFORE: Record<string, MiddlewareHandler[]> = {
  nothing: [],
  signal: [
    async function readsSignal(c, next) {
      void c.req.raw.signal
      await next()
    },
  ],
  arrayBuffer: [
    async function readsArrayBuffer(c, next) {
      await c.req.arrayBuffer()
      await next()
    },
  ],
}

const app = new Hono<{ Bindings: BunServer }>()
for (const [name, middlewares] of Object.entries(BEFORE)) {
  for (const middleware of middlewares) app.use(`/${name}`, middleware)
  app.post(`/${name}`, ledgerlyWebhook({ secret: SECRET, now: () => NOW_MS }), async (c) =>
    c.json({
      id: c.get('ledgerly').id,
      body: await c.req.text(),
      requestIP: c.env.requestIP(c.req.raw)?.address ?? null,
      getConnInfo: getConnInfo(c).remote.address ?? null,
    }),
  )
}

const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: app.fetch })
console.log(`LISTENING ${server.port}`)
