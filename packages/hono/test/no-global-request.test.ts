// @hono/node-server replaces the global Request with its own unless told not to (`overrideGlobalObjects:
// false`). Without it, the platform's Request does not accept node-server's lightweight request as input, so
// the middleware puts the body back on c.req.raw another way. Its own file: the other tests' servers
// replace the global Request, which no later server undoes.
import type { AddressInfo } from 'node:net'
import { createAdaptorServer } from '@hono/node-server'
import { BODY, DIGEST, NOW_MS, SECRET, T } from '@ledgerly/test-support/wire-cases'
import { Hono, type MiddlewareHandler } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ledgerlyWebhook } from '../src/index.js'
import { post } from './support/http-client.js'

const PlatformRequest = globalThis.Request
const SIGNED: Array<[string, string]> = [
  ['content-type', 'application/json'],
  ['x-ledgerly-signature', `t=${T},v1=${DIGEST}`],
]

const BEFORE: Record<string, MiddlewareHandler> = {
  signal: async function readsSignal(c, next) {
    void c.req.raw.signal
    await next()
  },
  arrayBuffer: async function readsArrayBuffer(c, next) {
    await c.req.arrayBuffer()
    await next()
  },
}

let origin: string
let close: () => Promise<void>

beforeAll(async () => {
  const app = new Hono()
  for (const [name, before] of Object.entries(BEFORE)) {
    app.use(`/${name}`, before)
    app.post(`/${name}`, ledgerlyWebhook({ secret: SECRET, now: () => NOW_MS }), async (c) =>
      c.json({ id: c.get('ledgerly').id, body: await c.req.raw.text() }),
    )
  }
  const server = createAdaptorServer({ fetch: app.fetch, overrideGlobalObjects: false })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  close = () => new Promise<void>((done) => server.close(() => done()))
})
afterAll(() => close())

describe('@hono/node-server with overrideGlobalObjects: false', () => {
  it('the global Request is still the platform’s', () => {
    expect(globalThis.Request).toBe(PlatformRequest)
  })

  it.each([
    ['a middleware reading c.req.raw.signal', 'signal'],
    ['c.req.arrayBuffer()', 'arrayBuffer'],
  ])('%s before, handler calls c.req.raw.text() → the exact body', async (_name, path) => {
    const response = await post(`${origin}/${path}`, SIGNED, { body: BODY })
    expect(response.status).toBe(200)
    expect(JSON.parse(response.body)).toEqual({ id: 'entry_1', body: BODY })
  })
})
