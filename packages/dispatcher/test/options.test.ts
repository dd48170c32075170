import { describe, expect, it } from 'vitest'
import { createSignedDispatcher, memoryQueue } from '../src/index.js'

const url = 'http://127.0.0.1:9/hooks'
const secret = 'a-secret'

describe('createSignedDispatcher: bad options throw when built', () => {
  it.each([
    ['no options', undefined, TypeError],
    ['url not a URL', { url: 'not a url', secret }, TypeError],
    ['ftp url', { url: 'ftp://example.com/', secret }, TypeError],
    ['url with credentials', { url: 'http://user:pw@example.com/', secret }, TypeError],
    ['empty secret', { url, secret: '' }, TypeError],
    ['secret with trailing newline', { url, secret: 'abc\n' }, TypeError],
    ['legacy with two secrets', { url, secret: ['a1', 'b2'], format: 'legacy' }, TypeError],
    ['tries 0', { url, secret, retry: { entry_persisted: { tries: 0, backoff: [1] } } }, RangeError],
    ['tries 1.5', { url, secret, defaultRetry: { tries: 1.5, backoff: [1] } }, RangeError],
    ['negative backoff', { url, secret, defaultRetry: { tries: 3, backoff: [-1] } }, RangeError],
    ['empty backoff with retries', { url, secret, defaultRetry: { tries: 3, backoff: [] } }, TypeError],
    ['NaN timeout', { url, secret, timeout: Number.NaN }, RangeError],
    ['zero timeout', { url, secret, timeout: 0 }, RangeError],
    ['timeout beyond a Node timer (3e6 s)', { url, secret, timeout: 3e6 }, RangeError],
    ['connections -1', { url, secret, connections: -1 }, RangeError],
    ['connections 0', { url, secret, connections: 0 }, RangeError],
    ['connections 1.5', { url, secret, connections: 1.5 }, RangeError],
    ['connections NaN', { url, secret, connections: Number.NaN }, RangeError],
    ['connections with an agent', { url, secret, connections: 10, agent: {} as never }, TypeError],
    ['jitter 2', { url, secret, jitter: 2 }, RangeError],
    [
      'maxRetryAfter 1e306 (a 400-digit Retry-After would wait forever)',
      { url, secret, maxRetryAfter: 1e306 },
      RangeError,
    ],
    ['negative backoffScale', { url, secret, backoffScale: -1 }, RangeError],
    ['retryStatuses with 500', { url, secret, retryStatuses: [500] }, RangeError],
    ['override x-ledgerly-signature', { url, secret, headers: { 'X-Ledgerly-Signature': 'x' } }, TypeError],
    [
      'header value ending in a newline',
      { url, secret, headers: { authorization: 'Bearer t0k3n\n' } },
      TypeError,
    ],
    ['header value with a NUL', { url, secret, headers: { 'x-tenant': 'a\u0000b' } }, TypeError],
    ['header name with a space', { url, secret, headers: { 'x tenant': 'a' } }, TypeError],
    ['header name with a colon', { url, secret, headers: { 'x-a:b': 'a' } }, TypeError],
    [
      'hop-by-hop header (transfer-encoding)',
      { url, secret, headers: { 'Transfer-Encoding': 'chunked' } },
      TypeError,
    ],
    ['expect header', { url, secret, headers: { expect: '100-continue' } }, TypeError],
    ['connection header', { url, secret, headers: { connection: 'close' } }, TypeError],
    ['now not a function', { url, secret, now: 5 }, TypeError],
  ])('%s → %s', (_name, options, ErrorClass) => {
    expect(() => createSignedDispatcher(options as never)).toThrow(ErrorClass)
  })

  it.each([
    ['secret with a trailing newline', { url, secret: 'x\n' }],
    ['empty secret', { url, secret: '' }],
    ['one of two secrets padded', { url, secret: ['fine-secret', ' padded'] }],
    ['legacy with two secrets', { url, secret: ['a1', 'b2'], format: 'legacy' }],
    ['an unknown format', { url, secret, format: 'hex' }],
  ])('%s → the message names createSignedDispatcher, the function called', (_name, options) => {
    expect(() => createSignedDispatcher(options as never)).toThrow(/^createSignedDispatcher: /)
  })

  it('error messages never contain the secret', () => {
    const secretValue = 'super-secret-value '
    try {
      createSignedDispatcher({ url, secret: secretValue })
      expect.unreachable()
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('super-secret-value')
    }
  })
})

describe('dispatch: bad payloads reject with TypeError, nothing is queued', () => {
  it.each([
    [
      'a cycle',
      (() => {
        const cyclic: Record<string, unknown> = {}
        cyclic.self = cyclic
        return cyclic
      })(),
      'entry_persisted',
    ],
    ['a BigInt', { n: 1n }, 'entry_persisted'],
    ['invalid UTF-8 bytes', new Uint8Array([0xff, 0xfe]), 'entry_persisted'],
    ['a string with a lone high surrogate', 'a\uD800b', 'entry_persisted'],
    ['a string with a lone low surrogate', '{"id":"\uDC00"}', 'entry_persisted'],
    ['a string ending in half a pair', '{"id":"\uD83D', 'entry_persisted'],
    ['null', null, 'entry_persisted'],
    ['an empty event', {}, ''],
    ['an event with a newline', {}, 'entry\npersisted'],
  ])('%s → TypeError', async (_name, payload, event) => {
    const queue = memoryQueue()
    const dispatcher = createSignedDispatcher({ url, secret, queue, work: false })
    await expect(dispatcher.dispatch(payload as never, event)).rejects.toThrow(TypeError)
    expect(await queue.counts()).toEqual({ waiting: 0, delayed: 0, active: 0 })
    await dispatcher.close()
  })

  it.each(['dispatch', 'enqueue'] as const)(
    '%s of a string with a lone surrogate → TypeError naming the problem, never echoing the payload',
    async (method) => {
      const queue = memoryQueue()
      const dispatcher = createSignedDispatcher({ url, secret, queue })
      const error = await dispatcher[method]('{"id":"private-entry-\uD800"}', 'entry_persisted').catch(
        (e) => e,
      )
      expect(error).toBeInstanceOf(TypeError)
      expect(error.message).toMatch(/^dispatch: .*lone surrogate/)
      expect(error.message).not.toContain('private-entry')
      expect(await queue.counts()).toEqual({ waiting: 0, delayed: 0, active: 0 })
      await dispatcher.close()
    },
  )

  it('a bad deliveryId → TypeError', async () => {
    const dispatcher = createSignedDispatcher({ url, secret, work: false })
    await expect(dispatcher.dispatch({}, 'entry_persisted', { deliveryId: 'a:b' })).rejects.toThrow(TypeError)
    await dispatcher.close()
  })
})
