import { describe, expect, it, vi } from 'vitest'
import { type DeliveryJob, memoryQueue } from '../src/index.js'

function job(id: string): DeliveryJob {
  return { id, deliveryId: id, event: 'e', endpoint: 'http://x/', body: '{}', attempt: 1, createdAt: 0 }
}
/** Attempt `attempt` of delivery `deliveryId`, with the dispatcher's job id. */
function attemptOf(deliveryId: string, attempt: number): DeliveryJob {
  return { ...job(`${deliveryId}-${attempt}`), deliveryId, attempt }
}
const opts = { jobTimeoutMs: 1000 }

/** A queue whose handler takes 100 ms per job, and whether the last one has finished. */
function slowQueue() {
  const queue = memoryQueue()
  const state = { finished: false }
  queue.process(async () => {
    await new Promise((resolve) => setTimeout(resolve, 100))
    state.finished = true
  }, opts)
  return { queue, state }
}

describe('memoryQueue', () => {
  it('concurrency 2 → never more than 2 handlers at once, all jobs run', async () => {
    const queue = memoryQueue({ concurrency: 2 })
    let running = 0
    let peak = 0
    const done: string[] = []
    queue.process(async (j) => {
      running++
      peak = Math.max(peak, running)
      await new Promise((resolve) => setTimeout(resolve, 5))
      running--
      done.push(j.id)
    }, opts)
    for (let i = 0; i < 10; i++) await queue.enqueue(job(`j${i}`))
    await queue.drained()
    expect(peak).toBe(2)
    expect(done).toHaveLength(10)
  })

  it('same job id enqueued twice → runs once', async () => {
    const queue = memoryQueue({ concurrency: 1 })
    const ran: string[] = []
    await queue.enqueue(job('same'))
    await queue.enqueue(job('same'))
    await queue.enqueue(job('same'), { delayMs: 10 })
    queue.process(async (j) => {
      ran.push(j.id)
    }, opts)
    await queue.drained()
    expect(ran).toEqual(['same'])
  })

  it.each([
    ['waits', 'ready', {}],
    ['is delayed', 'delayed', { delayMs: 30 }],
  ] as const)(
    'first attempt while attempt 2 of the same delivery %s → skipped',
    async (_label, _state, delay) => {
      const queue = memoryQueue()
      const ran: string[] = []
      await queue.enqueue(attemptOf('dlv', 2), delay)
      await queue.enqueue(attemptOf('dlv', 1))
      queue.process(async (j) => void ran.push(j.id), opts)
      await queue.drained()
      expect(ran).toEqual(['dlv-2'])
    },
  )

  it('first attempt while attempt 1 of the same delivery runs and has queued attempt 2 → skipped', async () => {
    const queue = memoryQueue()
    const ran: string[] = []
    let again: Promise<void> | undefined
    queue.process(async (j) => {
      ran.push(j.id)
      if (j.attempt === 1) {
        await queue.enqueue(attemptOf('dlv', 2), { delayMs: 10 })
        again = queue.enqueue(attemptOf('dlv', 1))
      }
    }, opts)
    await queue.enqueue(attemptOf('dlv', 1))
    await queue.drained()
    await again
    await queue.drained()
    expect(ran).toEqual(['dlv-1', 'dlv-2'])
  })

  it('first attempt of a delivery that has finished → runs again (the id is forgotten)', async () => {
    const queue = memoryQueue()
    const ran: string[] = []
    queue.process(async (j) => void ran.push(j.id), opts)
    await queue.enqueue(attemptOf('dlv', 1))
    await queue.drained()
    await queue.enqueue(attemptOf('dlv', 1))
    await queue.drained()
    expect(ran).toEqual(['dlv-1', 'dlv-1'])
  })

  it('drained() once close() has started → waits for the running job, not only for close to begin', async () => {
    const { queue, state } = slowQueue()
    await queue.enqueue(job('running'))
    await queue.enqueue(job('later'), { delayMs: 60_000 })
    await new Promise((resolve) => setTimeout(resolve, 10))
    const closing = queue.close({ timeoutMs: 5_000 })
    await queue.drained()
    expect(state.finished).toBe(true)
    expect((await closing).pending.map((j) => j.id)).toEqual(['later'])
  })

  it('drained() before close() with a stuck job → resolves when close() gives up and reports it', async () => {
    const queue = memoryQueue()
    queue.process(() => new Promise(() => {}), opts)
    await queue.enqueue(job('stuck'))
    let drained = false
    const waiting = queue.drained().then(() => (drained = true))
    const report = await queue.close({ timeoutMs: 50 })
    await waiting
    expect(drained).toBe(true)
    expect(report.interrupted.map((j) => j.id)).toEqual(['stuck'])
    await expect(queue.drained()).resolves.toBeUndefined()
  })

  it('delayed job → runs after its delay, not before', async () => {
    const queue = memoryQueue()
    const ran: number[] = []
    queue.process(async () => {
      ran.push(performance.now())
    }, opts)
    const start = performance.now()
    await queue.enqueue(job('late'), { delayMs: 50 })
    expect(await queue.counts()).toEqual({ waiting: 0, delayed: 1, active: 0 })
    await queue.drained()
    expect(ran[0]! - start).toBeGreaterThanOrEqual(45)
  })

  it('close → reports delayed and waiting jobs as pending, lets the running one finish', async () => {
    const queue = memoryQueue({ concurrency: 1 })
    let finished = false
    queue.process(async () => {
      await new Promise((resolve) => setTimeout(resolve, 30))
      finished = true
    }, opts)
    await queue.enqueue(job('running'))
    await queue.enqueue(job('waiting'))
    await queue.enqueue(job('delayed'), { delayMs: 60_000 })
    const report = await queue.close({ timeoutMs: 1000 })
    expect(finished).toBe(true)
    expect(report.pending.map((j) => j.id).sort()).toEqual(['delayed', 'waiting'])
    expect(report.interrupted).toEqual([])
  })

  it('close with a stuck job → reports it as interrupted after the timeout', async () => {
    const queue = memoryQueue()
    queue.process(() => new Promise(() => {}), opts)
    await queue.enqueue(job('stuck'))
    const report = await queue.close({ timeoutMs: 20 })
    expect(report.interrupted.map((j) => j.id)).toEqual(['stuck'])
  })

  it('enqueue after close → kept and reported by close, never run', async () => {
    const queue = memoryQueue()
    const ran: string[] = []
    queue.process(async (j) => {
      ran.push(j.id)
      await queue.enqueue(job(`${j.id}-next`), { delayMs: 1 })
    }, opts)
    const closing = queue.enqueue(job('a')).then(() => queue.close())
    const report = await closing
    expect(ran).toEqual(['a'])
    expect(report.pending.map((j) => j.id)).toEqual(['a-next'])
  })

  it('enqueue once close() has reported → rejects (the job would be reported by nobody and lost)', async () => {
    const queue = memoryQueue()
    queue.process(async () => {}, opts)
    expect(await queue.close()).toEqual({ pending: [], interrupted: [] })
    await expect(queue.enqueue(job('late'))).rejects.toThrow(/closed; job late was not queued/)
    expect(await queue.close()).toEqual({ pending: [], interrupted: [] })
  })

  it('close() twice while a job runs → both get the same report once the job finished', async () => {
    const queue = memoryQueue()
    let finish: () => void = () => undefined
    queue.process(() => new Promise<void>((resolve) => (finish = resolve)), opts)
    await queue.enqueue(job('running'))
    const first = queue.close({ timeoutMs: 5_000 })
    const second = queue.close({ timeoutMs: 5_000 })
    const started = Date.now()
    setTimeout(() => finish(), 20)
    expect(await first).toEqual({ pending: [], interrupted: [] })
    expect(await second).toBe(await first)
    expect(Date.now() - started).toBeLessThan(2_000)
  })

  it('delay beyond a Node timer (2^31 ms + 1 s) → runs exactly when due, not after 1 ms nor at 2^31 ms', async () => {
    vi.useFakeTimers()
    try {
      const queue = memoryQueue()
      const ran: string[] = []
      queue.process(async (j) => void ran.push(j.id), opts)
      await queue.enqueue(job('far'), { delayMs: 2 ** 31 + 1000 })
      await vi.advanceTimersByTimeAsync(2 ** 31 - 1)
      expect(ran).toEqual([])
      await vi.advanceTimersByTimeAsync(999)
      expect(ran).toEqual([])
      expect(await queue.counts()).toEqual({ waiting: 0, delayed: 1, active: 0 })
      await vi.advanceTimersByTimeAsync(2)
      expect(ran).toEqual(['far'])
    } finally {
      vi.useRealTimers()
    }
  })

  it('delay beyond a Node timer → reported pending by close() while it waits', async () => {
    const queue = memoryQueue()
    queue.process(async () => {}, opts)
    await queue.enqueue(job('far'), { delayMs: 2 ** 31 + 1000 })
    expect((await queue.close()).pending.map((j) => j.id)).toEqual(['far'])
  })

  it('handler rejects → onError gets it, the queue keeps going', async () => {
    const errors: string[] = []
    const queue = memoryQueue({ onError: (_e, j) => errors.push(j.id) })
    queue.process(async (j) => {
      if (j.id === 'bad') throw new Error('boom')
    }, opts)
    await queue.enqueue(job('bad'))
    await queue.enqueue(job('good'))
    await queue.drained()
    expect(errors).toEqual(['bad'])
  })

  it.each([
    [
      'throws',
      () => {
        throw new Error('audit store unavailable')
      },
    ],
    [
      'rejects',
      async () => {
        throw new Error('audit store unavailable')
      },
    ],
  ])('onError that %s → ignored: no unhandled error, the queue keeps going', async (_label, onError) => {
    const unhandled: unknown[] = []
    const record = (error: unknown) => unhandled.push(error)
    process.on('unhandledRejection', record)
    try {
      const ran: string[] = []
      const queue = memoryQueue({ onError })
      queue.process(async (j) => {
        ran.push(j.id)
        if (j.id === 'bad') throw new Error('boom')
      }, opts)
      await queue.enqueue(job('bad'))
      await queue.enqueue(job('good'))
      await queue.drained()
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(ran).toEqual(['bad', 'good'])
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', record)
    }
  })

  it.each([Number.POSITIVE_INFINITY, 2 ** 31])(
    'close({ timeoutMs: %s }) → waits for the running job (not cut after 1 ms)',
    async (timeoutMs) => {
      const { queue, state } = slowQueue()
      await queue.enqueue(job('slow'))
      await new Promise((resolve) => setTimeout(resolve, 10))
      const report = await queue.close({ timeoutMs })
      expect(report.interrupted).toEqual([])
      expect(state.finished).toBe(true)
    },
  )

  it.each([0, -1, 1.5, Number.NaN])('concurrency %s → RangeError', (concurrency) => {
    expect(() => memoryQueue({ concurrency })).toThrow(RangeError)
  })
})
