import { createServer, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { OriginPool } from '../src/origin-pool.js'
import { closedPort } from './helpers/server.js'

interface Tracked {
  origin: string
  sockets: Set<Socket>
  /** Most requests the server was handling at the same time. */
  peak: () => number
  release: () => void
  server: Server
}

const cleanups: (() => Promise<unknown> | unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A real server that counts connections and concurrent requests; `hold` keeps answers until release(). */
async function trackedServer(hold = false): Promise<Tracked> {
  const sockets = new Set<Socket>()
  let running = 0
  let peak = 0
  let held: (() => void)[] = []
  const server = createServer((request, response) => {
    running++
    peak = Math.max(peak, running)
    request.resume()
    const answer = () => {
      running--
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok')
    }
    request.on('end', () => (hold ? held.push(answer) : answer()))
  })
  server.on('connection', (socket) => sockets.add(socket))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => {
    server.closeAllConnections()
    return new Promise((resolve) => server.close(resolve))
  })
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    sockets,
    peak: () => peak,
    release() {
      const answers = held
      held = []
      for (const answer of answers) answer()
    },
    server,
  }
}

function post(pool: OriginPool, origin: string) {
  return pool.request({ origin, path: '/hooks', method: 'POST', body: '{"event":"entry_persisted"}' }).then(
    async (response) => ({ status: response.statusCode, text: await response.body.text() }),
    (error: Error) => ({ error }),
  )
}

describe('OriginPool', () => {
  it.each([
    [1, 1],
    // A connection reports itself free a tick after its response ends, so the next request may open one
    // more; undici's own Pool does the same. It never grows past that.
    [undefined, 2],
  ])(
    '10 requests one after another, connections: %s → answered over at most %i keep-alive connection(s)',
    async (connections, most) => {
      const server = await trackedServer()
      const pool = new OriginPool(server.origin, connections === undefined ? {} : { connections })
      cleanups.push(() => pool.destroy())
      for (let i = 0; i < 10; i++)
        expect(await post(pool, server.origin)).toEqual({ status: 200, text: 'ok' })
      expect(server.sockets.size).toBeLessThanOrEqual(most)
      expect(pool.size).toBe(server.sockets.size)
    },
  )

  it('6 at once with connections: 2 → at most 2 connections and 2 running, 4 waiting, all answered', async () => {
    const server = await trackedServer(true)
    const pool = new OriginPool(server.origin, { connections: 2 })
    cleanups.push(() => pool.destroy())
    const results = Array.from({ length: 6 }, () => post(pool, server.origin))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(pool.waiting).toBe(4)
    for (let round = 0; round < 3; round++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      server.release()
    }
    expect(await Promise.all(results)).toEqual(Array(6).fill({ status: 200, text: 'ok' }))
    expect(server.sockets.size).toBe(2)
    expect(server.peak()).toBe(2)
    expect(pool.waiting).toBe(0)
  })

  it('5 at once, no cap → 5 connections opened, none waiting', async () => {
    const server = await trackedServer(true)
    const pool = new OriginPool(server.origin)
    cleanups.push(() => pool.destroy())
    const results = Array.from({ length: 5 }, () => post(pool, server.origin))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(pool.size).toBe(5)
    expect(pool.waiting).toBe(0)
    server.release()
    expect((await Promise.all(results)).every((r) => 'status' in r && r.status === 200)).toBe(true)
  })

  it('connection refused with connections: 1 → every request fails with the error, none hangs', async () => {
    const origin = `http://127.0.0.1:${await closedPort()}`
    const pool = new OriginPool(origin, { connections: 1 })
    cleanups.push(() => pool.destroy())
    const results = await Promise.all(Array.from({ length: 3 }, () => post(pool, origin)))
    for (const result of results) expect((result as { error: Error }).error).toBeInstanceOf(Error)
    expect(pool.waiting).toBe(0)
  })

  it('a request undici refuses (header value with a line break), connections: 1 → that one fails, the next is answered', async () => {
    const server = await trackedServer()
    const pool = new OriginPool(server.origin, { connections: 1 })
    cleanups.push(() => pool.destroy())
    const refused = await pool
      .request({
        origin: server.origin,
        path: '/hooks',
        method: 'POST',
        body: '{}',
        headers: { 'x-token': 'a\nb' },
      })
      .then(
        () => 'sent',
        (error: Error) => error.message,
      )
    expect(refused).toMatch(/invalid x-token header/)
    expect(await post(pool, server.origin)).toEqual({ status: 200, text: 'ok' })
    expect(pool.waiting).toBe(0)
  })

  it('close() twice while a request waits → one shared promise, both resolve once it is answered', async () => {
    const server = await trackedServer(true)
    const pool = new OriginPool(server.origin, { connections: 1 })
    const results = [post(pool, server.origin), post(pool, server.origin)]
    await new Promise((resolve) => setTimeout(resolve, 50))
    const first = pool.close()
    const second = pool.close()
    expect(second).toBe(first)
    server.release()
    await new Promise((resolve) => setTimeout(resolve, 50))
    server.release()
    await Promise.all([first, second])
    expect(await Promise.all(results)).toEqual(Array(2).fill({ status: 200, text: 'ok' }))
  })

  it('close() then destroy() with a request running → close resolves (no error), the request fails', async () => {
    const server = await trackedServer(true)
    const pool = new OriginPool(server.origin, { connections: 1 })
    const result = post(pool, server.origin)
    await new Promise((resolve) => setTimeout(resolve, 50))
    const closing = pool.close()
    await pool.destroy()
    await expect(closing).resolves.toBeUndefined()
    expect(await result).toHaveProperty('error')
  })

  it('close() with requests waiting → they finish first, then dispatch throws', async () => {
    const server = await trackedServer(true)
    const pool = new OriginPool(server.origin, { connections: 1 })
    const results = Array.from({ length: 3 }, () => post(pool, server.origin))
    await new Promise((resolve) => setTimeout(resolve, 50))
    let closed = false
    const closing = pool.close().then(() => {
      closed = true
    })
    for (let round = 0; round < 3; round++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(closed).toBe(false)
      server.release()
    }
    await closing
    expect(await Promise.all(results)).toEqual(Array(3).fill({ status: 200, text: 'ok' }))
    expect(() => pool.dispatch({ origin: server.origin, path: '/', method: 'GET' }, {})).toThrow(/closed/)
  })

  it('destroy() with one running and two waiting → all three fail, close callback style works', async () => {
    const server = await trackedServer(true)
    const pool = new OriginPool(server.origin, { connections: 1 })
    const results = Array.from({ length: 3 }, () => post(pool, server.origin))
    await new Promise((resolve) => setTimeout(resolve, 50))
    await new Promise<void>((resolve) => pool.destroy(new Error('shutting down'), resolve))
    const settled = await Promise.all(results)
    for (const result of settled) expect((result as { error: Error }).error).toBeInstanceOf(Error)
    expect(settled.map((r) => (r as { error: Error }).error.message)).toContain('shutting down')
  })
})
