import { afterEach, describe, expect, it, vi } from 'vitest'
import { type DrainOptions, drainBody } from '../../src/http/index.js'
import { type CountedStreamOptions, countedStream } from './support/counted-stream.js'

const KiB = 1024
const MiB = 1024 * KiB

afterEach(() => {
  vi.useRealTimers()
})

interface DrainCase {
  name: string
  body: CountedStreamOptions
  options: DrainOptions
  outcome: 'read to its end' | 'cancelled'
  pulled: number
}

const cases: DrainCase[] = [
  {
    name: '4 chunks of 1 KiB',
    body: { chunkBytes: KiB, chunks: 4 },
    options: {},
    outcome: 'read to its end',
    pulled: 4,
  },
  {
    name: '4 chunks of 1 KiB, Content-Length 4096',
    body: { chunkBytes: KiB, chunks: 4 },
    options: { contentLength: '4096' },
    outcome: 'read to its end',
    pulled: 4,
  },
  {
    name: 'exactly maxBytes',
    body: { chunkBytes: 16 * KiB, chunks: 4 },
    options: { maxBytes: 64 * KiB },
    outcome: 'read to its end',
    pulled: 4,
  },
  {
    name: 'endless 16 KiB chunks, maxBytes 64 KiB',
    body: { chunkBytes: 16 * KiB },
    options: { maxBytes: 64 * KiB },
    outcome: 'cancelled',
    pulled: 5,
  },
  {
    name: 'endless 1 MiB chunks, default budget',
    body: { chunkBytes: MiB },
    options: {},
    outcome: 'cancelled',
    pulled: 17,
  },
  {
    name: 'Content-Length above maxBytes',
    body: { chunkBytes: KiB },
    options: { maxBytes: 64 * KiB, contentLength: 65 * KiB },
    outcome: 'cancelled',
    pulled: 0,
  },
  {
    name: 'Content-Length 16 MiB + 1, default budget',
    body: { chunkBytes: KiB },
    options: { contentLength: `${16 * MiB + 1}` },
    outcome: 'cancelled',
    pulled: 0,
  },
  // Above 2^53 a number is no longer a safe integer, but it is still far over any budget.
  {
    name: 'Content-Length 2^60 as a number',
    body: { chunkBytes: KiB },
    options: { contentLength: 2 ** 60 },
    outcome: 'cancelled',
    pulled: 0,
  },
  {
    name: 'Content-Length 99999999999999999999 as text',
    body: { chunkBytes: KiB },
    options: { contentLength: '99999999999999999999' },
    outcome: 'cancelled',
    pulled: 0,
  },
  {
    name: 'Content-Length junk, read as absent',
    body: { chunkBytes: KiB, chunks: 2 },
    options: { contentLength: '12abc' },
    outcome: 'read to its end',
    pulled: 2,
  },
]

describe('drainBody', () => {
  it.each(cases)(
    'drainBody($name) → $outcome after $pulled chunks',
    async ({ body, options, outcome, pulled }) => {
      const source = countedStream(body)
      expect(await drainBody(source.stream, options)).toBe(outcome === 'read to its end')
      expect(source.chunksPulled).toBe(pulled)
      expect(source.cancelled).toBe(outcome === 'cancelled')
    },
  )

  it.each<[string, DrainOptions]>([
    ['maxBytes -1', { maxBytes: -1 }],
    ['maxBytes NaN', { maxBytes: Number.NaN }],
    ['maxMs -1', { maxMs: -1 }],
    ['maxMs Infinity (a timer would fire at once)', { maxMs: Number.POSITIVE_INFINITY }],
    ['maxMs 2³¹', { maxMs: 2 ** 31 }],
  ])('drainBody(body, { %s }) → RangeError, thrown at once', (_name, options) => {
    const body = countedStream({ chunkBytes: KiB, chunks: 1 })
    expect(() => drainBody(body.stream, options)).toThrow(RangeError)
    expect(body.stream.locked).toBe(false)
  })

  it('drainBody(null) → true', async () => {
    expect(await drainBody(null)).toBe(true)
    expect(await drainBody(undefined)).toBe(true)
  })

  it('drainBody(endless 1 MiB chunks) → no dropped chunk is kept while it drains', async () => {
    let aliveMidway = -1
    const body = countedStream({
      chunkBytes: MiB,
      onPull(pulled) {
        // Every chunk but the last two handed out must be collectable by now.
        if (pulled === 12) aliveMidway = body.alive(pulled - 2)
      },
    })
    expect(await drainBody(body.stream)).toBe(false)
    expect(aliveMidway).toBe(0)
  })

  it('drainBody(body that goes quiet) → cancelled after 2 s by default, not before', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const body = countedStream({ chunkBytes: KiB, stallAfter: 3 })
    let drained: boolean | undefined
    void drainBody(body.stream).then((result) => {
      drained = result
    })
    while (body.chunksPulled < 3) await new Promise((resolve) => setImmediate(resolve))
    await vi.advanceTimersByTimeAsync(1_999)
    expect(drained).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    expect(drained).toBe(false)
    expect(body.cancelled).toBe(true)
  })

  it('drainBody(body that goes quiet, { maxMs: 20 }) → false within the deadline', async () => {
    const body = countedStream({ chunkBytes: KiB, stallAfter: 1 })
    const started = Date.now()
    expect(await drainBody(body.stream, { maxMs: 20 })).toBe(false)
    expect(Date.now() - started).toBeLessThan(1_000)
    expect(body.cancelled).toBe(true)
  })

  it.each<[string, () => ReadableStream<Uint8Array>]>([
    [
      'a body that errors mid-way',
      () =>
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new Uint8Array(8))
            controller.error(new Error('connection reset'))
          },
        }),
    ],
    [
      'a body whose cancel() rejects',
      () =>
        new ReadableStream<Uint8Array>({
          pull: (controller) => controller.enqueue(new Uint8Array(KiB)),
          cancel: () => Promise.reject(new Error('cancel failed')),
        }),
    ],
    [
      'a body whose cancel() throws, going quiet',
      () =>
        new ReadableStream<Uint8Array>({
          pull: () => new Promise(() => {}),
          cancel() {
            throw new Error('cancel failed')
          },
        }),
    ],
    [
      'a body already locked by another reader',
      () => {
        const stream = new ReadableStream<Uint8Array>()
        stream.getReader()
        return stream
      },
    ],
  ])('drainBody(%s) → false, nothing thrown or left unhandled', async (_name, makeBody) => {
    const unhandled: unknown[] = []
    const record = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', record)
    try {
      expect(await drainBody(makeBody(), { maxBytes: 4 * KiB, maxMs: 50 })).toBe(false)
      await new Promise((resolve) => setTimeout(resolve, 10))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', record)
    }
  })
})
