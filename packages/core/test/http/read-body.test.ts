import { afterEach, describe, expect, it, vi } from 'vitest'
import { readBodyWithLimit } from '../../src/http/index.js'
import { type CountedStreamOptions, countedStream } from './support/counted-stream.js'

const MiB = 1024 * 1024

afterEach(() => {
  vi.useRealTimers()
})

function streamOf(chunks: number[], onPull?: () => void): ReadableStream<Uint8Array> {
  let index = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      onPull?.()
      if (index === chunks.length) controller.close()
      else controller.enqueue(new Uint8Array(chunks[index++]!).fill(97))
    },
  })
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise
    return undefined
  } catch (error) {
    return (error as { code?: string }).code
  }
}

describe('readBodyWithLimit', () => {
  it.each<[string, number[], string | null, number, number | string]>([
    ['one chunk under the limit', [10], null, 10, 10],
    ['several chunks up to the limit', [4, 4, 2], '10', 10, 10],
    ['empty stream', [], null, 10, 0],
    ['chunks passing the limit, no Content-Length', [6, 6], null, 10, 'PAYLOAD_TOO_LARGE'],
    ['Content-Length above the limit', [1], '11', 10, 'PAYLOAD_TOO_LARGE'],
    ['Content-Length lying low', [6, 6], '5', 10, 'PAYLOAD_TOO_LARGE'],
    ['Content-Length junk is ignored', [3], 'abc', 10, 3],
  ])('%s → %s', async (_name, chunks, contentLength, limit, expected) => {
    const promise = readBodyWithLimit(streamOf(chunks), contentLength, limit)
    if (typeof expected === 'number') expect((await promise).byteLength).toBe(expected)
    else expect(await codeOf(promise)).toBe(expected)
  })

  it('null body → empty bytes', async () => {
    expect((await readBodyWithLimit(null, null, 10)).byteLength).toBe(0)
  })

  it('an endless stream → refused after the limit; the rest is drained (≤ 16 MiB, never kept), then cancelled', async () => {
    let pulls = 0
    let cancelled = false
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++
        controller.enqueue(new Uint8Array(64 * 1024))
      },
      cancel() {
        cancelled = true
      },
    })
    expect(await codeOf(readBodyWithLimit(endless, null, 10 * 1024))).toBe('PAYLOAD_TOO_LARGE')
    expect(pulls * 64 * 1024).toBeLessThanOrEqual(16 * 1024 * 1024 + 3 * 64 * 1024)
    expect(cancelled).toBe(true)
  })

  it('readBodyWithLimit(stalled upload past the limit) → refused once the 2 s drain deadline passes', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const stalled = countedStream({ chunkBytes: 2048, stallAfter: 1 })
    let code: string | undefined
    void codeOf(readBodyWithLimit(stalled.stream, null, 1024)).then((refused) => {
      code = refused
    })
    while (stalled.chunksPulled < 1) await new Promise((resolve) => setImmediate(resolve))
    await vi.advanceTimersByTimeAsync(1_999)
    expect(code).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    expect(code).toBe('PAYLOAD_TOO_LARGE')
    expect(stalled.cancelled).toBe(true)
  })

  it.each<[string, string, CountedStreamOptions, number, boolean]>([
    // name, Content-Length, body, chunks pulled, cancelled
    ['a body of the declared size', '4096', { chunkBytes: 1024, chunks: 4 }, 4, false],
    ['a body longer than declared', '4096', { chunkBytes: MiB }, 17, true],
    ['a Content-Length above the 16 MiB drain budget', `${16 * MiB + 1}`, { chunkBytes: 1024 }, 0, true],
  ])(
    'readBodyWithLimit(Content-Length above the limit, %s) → 413 once drained (≤ 16 MiB), else cancelled',
    async (_name, contentLength, source, pulled, cancelled) => {
      const body = countedStream(source)
      expect(await codeOf(readBodyWithLimit(body.stream, contentLength, 1000))).toBe('PAYLOAD_TOO_LARGE')
      expect(body.chunksPulled).toBe(pulled)
      expect(body.cancelled).toBe(cancelled)
    },
  )

  it('readBodyWithLimit(limit passed mid-stream) → the chunks read before it are not kept while the rest drains', async () => {
    let aliveMidway = -1
    const body = countedStream({
      chunkBytes: MiB,
      onPull(pulled) {
        // 8 chunks were kept under the 8 MiB limit; the 9th passed it. By the 14th, all but the last two
        // handed out must be collectable.
        if (pulled === 14) aliveMidway = body.alive(pulled - 2)
      },
    })
    expect(await codeOf(readBodyWithLimit(body.stream, null, 8 * MiB))).toBe('PAYLOAD_TOO_LARGE')
    expect(aliveMidway).toBe(0)
    expect(body.cancelled).toBe(true)
  })
})
