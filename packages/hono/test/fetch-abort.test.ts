// The Fetch path (Bun, Deno, Workers, app.request()): a sender that goes away mid-body makes the body
// stream fail. As on @hono/node-server (node-server.test.ts), the answer is an empty 499 for the access
// logs, with no onError call and nothing on console.error: nobody is left to read it.

import type { AddressInfo } from 'node:net'
import { connect } from 'node:net'
import { serve } from '@hono/node-server'
import { DIGEST, NOW_MS, SECRET, T } from '@ledgerly/test-support/wire-cases'
import { Hono } from 'hono'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ledgerlyWebhook } from '../src/index.js'

const URL = 'http://localhost/webhooks'

/** 300 bytes of a declared 900, then the failure the runtime's stream reports on a disconnect. */
function cutShortRequest(failure: unknown): Request {
  let pulls = 0
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulls++ === 0) controller.enqueue(new Uint8Array(300).fill(0x20))
      else controller.error(failure)
    },
  })
  const headers = { 'x-ledgerly-signature': `t=${T},v1=${DIGEST}`, 'content-length': '900' }
  return new Request(URL, { method: 'POST', headers, body, duplex: 'half' } as RequestInit)
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('an upload cut short, through app.request()', () => {
  it.each<[string, unknown]>([
    ['Bun AbortError', new DOMException('The operation was aborted.', 'AbortError')],
    ['Deno BadResource', Object.assign(new Error('Bad resource ID'), { name: 'BadResource' })],
    ['workerd "Network connection lost."', new Error('Network connection lost.')],
  ])('body stream failing (%s) → empty 499, onError not called, handler not run', async (_name, failure) => {
    const seen: unknown[] = []
    let runs = 0
    const app = new Hono()
    app.post(
      '/webhooks',
      ledgerlyWebhook({ secret: SECRET, now: () => NOW_MS, onError: (error) => void seen.push(error) }),
      (c) => {
        runs++
        return c.body(null, 204)
      },
    )
    const response = await app.request(cutShortRequest(failure))
    expect(response.status).toBe(499)
    expect(await response.text()).toBe('')
    expect(seen).toEqual([])
    expect(runs).toBe(0)
  })

  it('body stream failing, no onError → 499, nothing on console.error', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {})
    const app = new Hono()
    app.post('/webhooks', ledgerlyWebhook({ secret: SECRET, now: () => NOW_MS }), (c) => c.body(null, 204))
    const response = await app.request(cutShortRequest(new Error('Network connection lost.')))
    expect(response.status).toBe(499)
    expect(log).not.toHaveBeenCalled()
  })
})

// Node and Bun report no peer address once the client has gone. Under allowedIps that must not read as the
// receiver's configuration (a logged 500 anyone could trigger): it is a disconnect.
describe('allowedIps, the client gone before the middleware runs', () => {
  it('app.request() with an aborted signal and no address → empty 499, nothing logged; live → logged 500', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {})
    const app = new Hono()
    app.post(
      '/webhooks',
      ledgerlyWebhook({
        secret: SECRET,
        now: () => NOW_MS,
        allowedIps: ['127.0.0.1'],
        getClientIp: () => undefined,
      }),
      (c) => c.body(null, 204),
    )
    const headers = { 'x-ledgerly-signature': `t=${T},v1=${DIGEST}` }
    const gone = new Request(URL, { method: 'POST', headers, body: '{}', signal: AbortSignal.abort() })
    expect((await app.request(gone)).status).toBe(499)
    expect(log).not.toHaveBeenCalled()
    const live = new Request(URL, { method: 'POST', headers, body: '{}' })
    expect((await app.request(live)).status).toBe(500)
    expect(log).toHaveBeenCalledTimes(1)
  })

  it('@hono/node-server, a slow middleware first, clients that send headers and leave → 499 each, nothing logged', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {})
    const statuses: number[] = []
    const app = new Hono()
    app.use('*', async (c, next) => {
      await new Promise((resolve) => setTimeout(resolve, 50))
      await next()
      statuses.push(c.res.status)
    })
    app.post(
      '/webhooks',
      ledgerlyWebhook({ secret: SECRET, allowedIps: ['127.0.0.1', '::ffff:127.0.0.1'] }),
      (c) => c.text('ok'),
    )
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
    try {
      await new Promise((resolve) => server.once('listening', resolve))
      const { port } = server.address() as AddressInfo
      for (let i = 0; i < 3; i++) {
        const socket = connect(port, '127.0.0.1')
        await new Promise((resolve) => socket.once('connect', resolve))
        socket.write('POST /webhooks HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc')
        await new Promise((resolve) => setTimeout(resolve, 10))
        socket.destroy()
      }
      const deadline = Date.now() + 5_000
      while (statuses.length < 3 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20))
      expect(statuses).toEqual([499, 499, 499])
      expect(log).not.toHaveBeenCalled()
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
