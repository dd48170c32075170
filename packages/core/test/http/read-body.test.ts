import { describe, expect, it } from 'vitest'
import { readBodyWithLimit } from '../../src/http/index.js'

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

  it('a stalled upload past the limit → refused within the drain deadline', async () => {
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(2048))
      },
    })
    expect(await codeOf(readBodyWithLimit(stalled, null, 1024))).toBe('PAYLOAD_TOO_LARGE')
  })

  it('Content-Length above the limit → refused without pulling a chunk', async () => {
    let pulls = 0
    const stream = streamOf([5], () => pulls++)
    expect(await codeOf(readBodyWithLimit(stream, '1000', 10))).toBe('PAYLOAD_TOO_LARGE')
    expect(pulls).toBeLessThanOrEqual(1)
  })
})
