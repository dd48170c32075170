import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  answerFor,
  ForbiddenSourceError,
  inProgressProblem,
  problem,
  problemFor,
  problemType,
} from '../../src/http/index.js'
import { ERROR_STATUS, type WebhookErrorCode, WebhookVerificationError } from '../../src/index.js'

const codes = Object.keys(ERROR_STATUS) as WebhookErrorCode[]

describe('problemFor', () => {
  it.each(codes)('WebhookVerificationError(%s) → its status and code as problem+json', (code) => {
    const answer = problemFor(new WebhookVerificationError(code, 'secret-digest-0123456789abcdef', 'a hint'))
    expect(answer.status).toBe(ERROR_STATUS[code])
    expect(answer.headers['content-type']).toBe('application/problem+json')
    const body = JSON.parse(answer.body)
    expect(body).toEqual({
      type: problemType(code),
      title: expect.any(String),
      status: ERROR_STATUS[code],
      code,
    })
    expect(body.type).toMatch(/^https:\/\/ledgerly\.dev\/webhooks\/errors\/[a-z-]+$/)
    expect(answer.body).not.toContain('secret-digest')
    expect(answer.body).not.toContain('a hint')
  })

  it('ForbiddenSourceError → 403 FORBIDDEN_SOURCE', () => {
    const answer = problemFor(new ForbiddenSourceError())
    expect(answer.status).toBe(403)
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'FORBIDDEN_SOURCE', status: 403 })
  })

  it.each([
    ['an Error', new Error('database password is hunter2')],
    ['a string', 'boom'],
    ['null', null],
    ['a look-alike object', { code: 'SIGNATURE_MISMATCH', status: 401 }],
  ])('%s → 500 INTERNAL_ERROR without its message', (_name, error) => {
    const answer = problemFor(error)
    expect(answer.status).toBe(500)
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'INTERNAL_ERROR', status: 500 })
    expect(answer.body).not.toContain('hunter2')
  })

  it('inProgressProblem(60) → 503 IN_PROGRESS with Retry-After: 60', () => {
    const answer = inProgressProblem(60)
    expect(answer.status).toBe(503)
    expect(answer.headers['retry-after']).toBe('60')
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'IN_PROGRESS', status: 503 })
  })

  it('problem(IN_PROGRESS, 503, retry-after) → keeps the extra header', () => {
    const answer = problem('IN_PROGRESS', 503, { 'retry-after': '7' })
    expect(answer.headers).toMatchObject({ 'retry-after': '7', 'content-type': 'application/problem+json' })
  })
})

describe('answerFor', () => {
  const error = new WebhookVerificationError('SIGNATURE_MISMATCH', 'no match')
  it.each([
    ['no hook', undefined, 401],
    ['a hook returning nothing', () => undefined, 401],
    ['an async hook returning nothing', async () => undefined, 401],
    ['a hook returning a new answer', () => ({ status: 404, headers: {}, body: 'nope' }), 404],
    ['an async hook returning a new answer', async () => ({ status: 410, headers: {}, body: '' }), 410],
    ['a hook returning junk', () => ({ status: 'x' }) as never, 401],
    ['a hook returning an out-of-range status', () => ({ status: 1000, headers: {}, body: '' }), 401],
    [
      'a hook that throws',
      () => {
        throw new Error('hook bug')
      },
      500,
    ],
    ['a hook that rejects', async () => Promise.reject(new Error('hook bug')), 500],
  ])('answerFor(error, %s) → %i', async (_name, hook, status) => {
    const answer = await answerFor(error, hook)
    expect(answer.status).toBe(status)
  })

  it('answerFor → passes the error and the default answer to the hook', async () => {
    const seen: unknown[] = []
    await answerFor(error, (e, p) => {
      seen.push(e, p.status)
    })
    expect(seen).toEqual([error, 401])
  })

  it('answerFor(error, hook, 500 answer) → that answer, not the error type’s, given to the hook and sent', async () => {
    const seen: unknown[] = []
    const answer = await answerFor(
      error,
      (e, p) => {
        seen.push(e, p.status)
      },
      problem('INTERNAL_ERROR', 500),
    )
    expect(seen).toEqual([error, 500])
    expect(answer.status).toBe(500)
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'INTERNAL_ERROR' })
  })

  describe('with no onError hook', () => {
    afterEach(() => {
      vi.restoreAllMocks()
    })
    const handlerBug = new Error('handler bug')
    it.each([
      ['a handler error, answered 500', handlerBug, problem('INTERNAL_ERROR', 500), 1],
      ['an unknown error', handlerBug, undefined, 1],
      ['PAYLOAD_NOT_RAW (500)', new WebhookVerificationError('PAYLOAD_NOT_RAW', 'parsed'), undefined, 1],
      ['SIGNATURE_MISMATCH (401)', error, undefined, 0],
      ['PAYLOAD_TOO_LARGE (413)', new WebhookVerificationError('PAYLOAD_TOO_LARGE', 'big'), undefined, 0],
      ['a refused source (403)', new ForbiddenSourceError(), undefined, 0],
    ])('answerFor(%s) → logged %i time(s) with console.error', async (_name, caught, answer, times) => {
      const log = vi.spyOn(console, 'error').mockImplementation(() => {})
      const sent = await answerFor(caught, undefined, answer)
      expect(log).toHaveBeenCalledTimes(times)
      if (times) {
        expect(log.mock.calls[0]![0]).toContain(`answered ${sent.status} `)
        expect(log.mock.calls[0]![1]).toBe(caught) // the error itself, so its stack is printed
      }
    })

    it('answerFor(500, with a hook) → the hook decides, nothing logged', async () => {
      const log = vi.spyOn(console, 'error').mockImplementation(() => {})
      await answerFor(handlerBug, () => undefined, problem('INTERNAL_ERROR', 500))
      expect(log).not.toHaveBeenCalled()
    })
  })
})
