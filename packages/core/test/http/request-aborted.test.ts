// A sender that goes away mid-body makes the runtime's body stream fail; readBodyWithLimit says so with a
// RequestAbortedError, which adapters answer with an empty 499 and answerFor never logs.
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  answerFor,
  isRequestAbortedError,
  problem,
  RequestAbortedError,
  readBodyWithLimit,
} from '../../src/http/index.js'

afterEach(() => {
  vi.restoreAllMocks()
})

/** A body that gives `chunks` chunks of 100 bytes, then fails with `failure`. */
function failingStream(failure: unknown, chunks = 1): ReadableStream<Uint8Array> {
  let pulled = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled++ < chunks) controller.enqueue(new Uint8Array(100))
      else controller.error(failure)
    },
  })
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  )
}

describe('readBodyWithLimit and an upload cut short', () => {
  it.each<[string, unknown, number, string | null]>([
    [
      'Bun AbortError after one chunk',
      new DOMException('The operation was aborted.', 'AbortError'),
      1,
      '900',
    ],
    ['workerd "Network connection lost." at once', new Error('Network connection lost.'), 0, '900'],
    [
      'Deno BadResource, chunked',
      Object.assign(new Error('Bad resource ID'), { name: 'BadResource' }),
      1,
      null,
    ],
    ['a non-Error', 'gone', 2, null],
  ])(
    'readBodyWithLimit(%s) → RequestAbortedError with the failure as cause',
    async (_name, failure, chunks, length) => {
      const error = await rejectionOf(readBodyWithLimit(failingStream(failure, chunks), length, 1024))
      expect(error).toBeInstanceOf(RequestAbortedError)
      expect(isRequestAbortedError(error)).toBe(true)
      expect((error as Error).name).toBe('RequestAbortedError')
      expect((error as Error).cause).toBe(failure)
    },
  )

  it('readBodyWithLimit(stream failing after the limit passed) → still 413 PAYLOAD_TOO_LARGE (the drain ends quietly)', async () => {
    const error = await rejectionOf(readBodyWithLimit(failingStream(new Error('lost'), 3), null, 150))
    expect((error as { code?: string }).code).toBe('PAYLOAD_TOO_LARGE')
  })
})

describe('isRequestAbortedError', () => {
  it.each<[string, unknown, boolean]>([
    ['new RequestAbortedError()', new RequestAbortedError(), true],
    [
      'one from another copy of the package (same brand)',
      Object.defineProperty(new Error('x'), Symbol.for('ledgerly.webhooks.request-aborted-error'), {
        value: true,
      }),
      true,
    ],
    [
      'an Error named RequestAbortedError',
      Object.assign(new Error('x'), { name: 'RequestAbortedError' }),
      false,
    ],
    ['an AbortError', new DOMException('aborted', 'AbortError'), false],
    ['undefined', undefined, false],
  ])('isRequestAbortedError(%s) → %s', (_name, value, expected) => {
    expect(isRequestAbortedError(value)).toBe(expected)
  })
})

describe('answerFor(RequestAbortedError)', () => {
  it.each([
    ['its default answer', undefined],
    ['a 500 answer given', problem('INTERNAL_ERROR', 500)],
  ])('answerFor(RequestAbortedError, no hook, %s) → nothing on console.error', async (_name, answer) => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {})
    await answerFor(new RequestAbortedError(), undefined, answer)
    expect(log).not.toHaveBeenCalled()
  })
})
