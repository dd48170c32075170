import { afterEach, describe, expect, it } from 'vitest'
import {
  createSignedDispatcher,
  type DeliveryHandler,
  type DeliveryJob,
  type DeliveryQueue,
  type QueueCounts,
} from '../src/index.js'
import { entryPayload, startServer, statuses } from './helpers/server.js'

/**
 * A queue written only against the exported contract, storing jobs as JSON strings in a shared "store" the
 * way Redis would: producer and worker are separate dispatchers (as separate processes would be) that
 * share nothing but the store. If this works unchanged, a Redis driver can implement the same contract.
 */
function jsonStoreQueue(store: Map<string, { json: string; runAt: number }>): DeliveryQueue {
  let handler: DeliveryHandler | undefined
  let timer: NodeJS.Timeout | undefined
  let active = 0
  let closed = false
  const idle: (() => void)[] = []
  function poll() {
    const now = Date.now()
    for (const [id, { json, runAt }] of store) {
      if (runAt > now || !handler || closed) continue
      store.delete(id)
      active++
      handler(JSON.parse(json) as DeliveryJob).finally(() => active--)
    }
    if (store.size === 0 && active === 0) for (const resolve of idle.splice(0)) resolve()
  }
  return {
    name: 'json-store',
    async enqueue(job, options = {}) {
      if (!store.has(job.id))
        store.set(job.id, { json: JSON.stringify(job), runAt: Date.now() + (options.delayMs ?? 0) })
    },
    process(jobHandler, options) {
      expect(options.jobTimeoutMs).toBeGreaterThan(1_000)
      handler = jobHandler
      timer = setInterval(poll, 5)
    },
    drained: () => new Promise((resolve) => idle.push(resolve)),
    async counts(): Promise<QueueCounts> {
      return { waiting: store.size, delayed: 0, active }
    },
    async close() {
      closed = true
      clearInterval(timer)
      return {
        pending: [...store.values()].map(({ json }) => JSON.parse(json) as DeliveryJob),
        interrupted: [],
      }
    },
  }
}

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

describe('queue contract', () => {
  it('producer (work: false) + worker over a JSON store → 500, 500, 200 delivered in 3 attempts', async () => {
    const server = await startServer(statuses(500, 500, 200))
    cleanups.push(server.close)
    const store = new Map<string, { json: string; runAt: number }>()
    const common = { url: server.url, secret: 'contract-secret', backoffScale: 0.001 }
    const producer = createSignedDispatcher({ ...common, queue: jsonStoreQueue(store), work: false })
    const workerQueue = jsonStoreQueue(store)
    const worker = createSignedDispatcher({ ...common, queue: workerQueue })
    cleanups.push(
      () => producer.close(),
      () => worker.close(),
    )

    const deliveryId = await producer.enqueue(entryPayload('entry_contract'), 'entry_persisted', {
      deliveryId: 'dlv_fixed',
    })
    expect(deliveryId).toBe('dlv_fixed')
    // A second enqueue of the same delivery is a no-op thanks to the deterministic job id.
    await producer.dispatch(entryPayload('entry_contract'), 'entry_persisted', { deliveryId: 'dlv_fixed' })
    expect([...store.keys()]).toEqual(['dlv_fixed-1'])
    await workerQueue.drained()

    expect(server.received.map((r) => r.headers['x-ledgerly-attempt'])).toEqual(['1', '2', '3'])
    expect(new Set(server.received.map((r) => r.headers['x-ledgerly-delivery']))).toEqual(
      new Set(['dlv_fixed']),
    )
    expect(worker.log.get('dlv_fixed')!.state).toBe('delivered')
    expect(producer.log.get('dlv_fixed')).toBeUndefined()
  })

  it('handleJob with a job for another endpoint → rejects (a queue must not mix endpoints)', async () => {
    const dispatcher = createSignedDispatcher({ url: 'http://127.0.0.1:9/a', secret: 's', work: false })
    cleanups.push(() => dispatcher.close())
    const job: DeliveryJob = {
      id: 'x-1',
      deliveryId: 'x',
      event: 'entry_persisted',
      endpoint: 'http://127.0.0.1:9/b',
      body: '{}',
      attempt: 1,
      createdAt: 0,
    }
    await expect(dispatcher.handleJob(job)).rejects.toThrow(/another endpoint/)
  })

  it('async process() that rejects → no unhandled rejection, a warning; drained() rejects with its error', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    const warnings: Error[] = []
    const onWarning = (warning: Error) => warnings.push(warning)
    process.on('unhandledRejection', onUnhandled)
    process.on('warning', onWarning)
    try {
      const store = new Map<string, { json: string; runAt: number }>()
      const broken: DeliveryQueue = {
        ...jsonStoreQueue(store),
        name: 'broken',
        async process() {
          throw new Error('worker could not start')
        },
      }
      const dispatcher = createSignedDispatcher({ url: 'http://127.0.0.1:9/a', secret: 's', queue: broken })
      cleanups.push(() => dispatcher.close())
      await dispatcher.dispatch(entryPayload('entry_broken'), 'entry_persisted')
      await expect(dispatcher.drained()).rejects.toThrow('worker could not start')
      // Node reports unhandled rejections after the microtask queue drains; give it a macrotask.
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(unhandled).toEqual([])
      // A second drained() after the failure rejects at once.
      await expect(dispatcher.drained()).rejects.toThrow('worker could not start')
      const ours = warnings.filter((w) => (w as { code?: string }).code === 'LEDGERLY_QUEUE_NOT_PROCESSING')
      expect(ours.map((w) => w.message)).toEqual([
        'queue "broken": process() failed (worker could not start); no delivery will be attempted',
      ])
    } finally {
      process.off('unhandledRejection', onUnhandled)
      process.off('warning', onWarning)
    }
  })

  it('async process() that resolves → drained() follows the queue', async () => {
    const store = new Map<string, { json: string; runAt: number }>()
    const inner = jsonStoreQueue(store)
    const asyncQueue: DeliveryQueue = {
      ...inner,
      async process(handler, options) {
        await inner.process(handler, options)
      },
    }
    const server = await startServer(statuses(200))
    cleanups.push(server.close)
    const dispatcher = createSignedDispatcher({ url: server.url, secret: 's', queue: asyncQueue })
    cleanups.push(() => dispatcher.close())
    await dispatcher.dispatch(entryPayload('entry_async'), 'entry_persisted')
    await dispatcher.drained()
    expect(server.received).toHaveLength(1)
  })
})
