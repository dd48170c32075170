import { afterEach, describe, expect, it } from 'vitest'
import { createSignedDispatcher, type SignedDispatcherOptions } from '../src/index.js'
import { entryPayload, type Responder, startServer } from './helpers/server.js'

const secret = 'whsec-test-secret-for-dispatcher'

describe('one HTTP attempt: edges of the shared timeout', () => {
  const cleanups: (() => Promise<unknown>)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  async function setup(respond: Responder, options: Partial<SignedDispatcherOptions>) {
    const server = await startServer(respond)
    cleanups.push(server.close)
    const dispatcher = createSignedDispatcher({
      url: server.url,
      secret,
      defaultRetry: { tries: 1, backoff: [] },
      ...options,
    })
    cleanups.push(() => dispatcher.close({ timeoutMs: 100 }))
    return { server, dispatcher }
  }

  it('one connection held by a hung request → the attempt waiting for it → TIMEOUT, never sent', async () => {
    const { server, dispatcher } = await setup(
      async (_index, _request, response) => {
        await new Promise((resolve) => setTimeout(resolve, 1_500))
        if (!response.destroyed) response.writeHead(200).end()
      },
      { timeout: 0.3, connections: 1 },
    )
    const first = await dispatcher.enqueue(entryPayload('entry_1'), 'entry_persisted')
    const second = await dispatcher.enqueue(entryPayload('entry_2'), 'entry_persisted')
    await dispatcher.drained()
    for (const id of [first, second]) {
      expect(dispatcher.log.get(id)!.attempts.map((a) => a.error?.code)).toEqual(['TIMEOUT'])
    }
    expect(server.received).toHaveLength(1)
  })

  it('status sent, body stalls past the timeout → the status counts: delivered, with what arrived', async () => {
    const { dispatcher } = await setup(
      (_index, _request, response) => {
        response.writeHead(200, { 'content-length': '100' })
        response.write('partial')
      },
      { timeout: 0.3 },
    )
    const id = await dispatcher.enqueue(entryPayload(), 'entry_persisted')
    await dispatcher.drained()
    const record = dispatcher.log.get(id)!
    expect(record.state).toBe('delivered')
    expect(record.attempts[0]!.status).toBe(200)
    expect(record.attempts[0]!.responseExcerpt).toBe('partial')
  })

  it('a small body → kept whole as the excerpt', async () => {
    const { dispatcher } = await setup(
      (_index, _request, response) => {
        response.writeHead(202).end('queued for processing')
      },
      { timeout: 5 },
    )
    const id = await dispatcher.enqueue(entryPayload(), 'entry_persisted')
    await dispatcher.drained()
    expect(dispatcher.log.get(id)!.attempts[0]!.responseExcerpt).toBe('queued for processing')
  })

  // A body that exactly fills maxResponseBytes was complete: closing the connection over it (as for a
  // longer one) cost a new connection per delivery to receivers that answer with fixed-size bodies.
  it.each([
    ['exactly maxResponseBytes', 16, 1],
    ['one byte more', 17, 2],
  ])(
    'two deliveries answered with a body of %s → the excerpt, on %i connection(s)',
    async (_name, size, sockets) => {
      const ports = new Set<number>()
      const { dispatcher } = await setup(
        (_index, _request, response) => {
          ports.add(response.socket!.remotePort!)
          response.writeHead(200).end('x'.repeat(size))
        },
        { timeout: 5, maxResponseBytes: 16, connections: 1 },
      )
      for (const entry of ['entry_1', 'entry_2']) {
        const id = await dispatcher.enqueue(entryPayload(entry), 'entry_persisted')
        await dispatcher.drained()
        expect(dispatcher.log.get(id)!.attempts[0]!.responseExcerpt).toBe('x'.repeat(16))
      }
      expect(ports.size).toBe(sockets)
    },
  )

  it('a byte payload starting with a UTF-8 BOM → sent byte for byte, BOM included', async () => {
    const { server, dispatcher } = await setup(
      (_index, _request, response) => {
        response.writeHead(204).end()
      },
      {
        timeout: 5,
      },
    )
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"event":"entry_persisted"}')])
    await dispatcher.enqueue(bytes, 'entry_persisted')
    await dispatcher.drained()
    expect(server.received[0]!.body.equals(bytes)).toBe(true)
  })

  it('a body that exactly fills maxResponseBytes, then stalls → answered at once with the excerpt', async () => {
    const { dispatcher } = await setup(
      async (_index, _request, response) => {
        response.writeHead(200)
        response.write('x'.repeat(16))
        await new Promise((resolve) => setTimeout(resolve, 1_500))
        if (!response.destroyed) response.end()
      },
      { timeout: 1, maxResponseBytes: 16 },
    )
    const id = await dispatcher.enqueue(entryPayload(), 'entry_persisted')
    await dispatcher.drained()
    const attempt = dispatcher.log.get(id)!.attempts[0]!
    expect(attempt.outcome).toBe('delivered')
    expect(attempt.responseExcerpt).toBe('x'.repeat(16))
    expect(attempt.durationMs).toBeLessThan(900)
  })

  // The stall must not keep the only connection (so the next delivery waits) nor make close() wait for it
  // until the attempt's timeout (10 s here).
  it('exactly full body, then a stall, connections: 1 → the next delivery and close() are not held', async () => {
    const { dispatcher } = await setup(
      async (index, _request, response) => {
        response.writeHead(200)
        response.write('x'.repeat(16))
        if (index > 0) return void response.end()
        await new Promise((resolve) => setTimeout(resolve, 8_000))
        if (!response.destroyed) response.end()
      },
      { timeout: 10, maxResponseBytes: 16, connections: 1 },
    )
    const started = performance.now()
    await dispatcher.enqueue(entryPayload('entry_1'), 'entry_persisted')
    const second = await dispatcher.enqueue(entryPayload('entry_2'), 'entry_persisted')
    await dispatcher.drained()
    expect(dispatcher.log.get(second)!.state).toBe('delivered')
    await dispatcher.close({ timeoutMs: 100 })
    expect(performance.now() - started).toBeLessThan(5_000)
  })
})
