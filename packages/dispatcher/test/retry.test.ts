import { describe, expect, it } from 'vitest'
import { backoffSeconds, DEFAULT_RETRY } from '../src/index.js'
import { classifyStatus, retryAfterSeconds, retryDelayMs } from '../src/retry.js'

describe('Laravel backoff: the n-th retry waits backoff[min(n - 1, len - 1)]', () => {
  it.each([
    [1, 10],
    [2, 30],
    [3, 60],
    [4, 60],
    [9, 60],
  ])('default policy, retry %i → %i s', (retry, seconds) => {
    expect(backoffSeconds(DEFAULT_RETRY, retry)).toBe(seconds)
  })

  it('default → { tries: 3, backoff: [10, 30, 60] }, frozen', () => {
    expect(DEFAULT_RETRY).toEqual({ tries: 3, backoff: [10, 30, 60] })
    expect(Object.isFrozen(DEFAULT_RETRY)).toBe(true)
  })
})

describe('classifyStatus', () => {
  const none = new Set<number>()
  it.each([
    [200, { ok: true }],
    [204, { ok: true }],
    [299, { ok: true }],
    [500, { ok: false, code: 'SERVER_ERROR', retryable: true }],
    [503, { ok: false, code: 'SERVER_ERROR', retryable: true }],
    [599, { ok: false, code: 'SERVER_ERROR', retryable: true }],
    [400, { ok: false, code: 'CLIENT_ERROR', retryable: false }],
    [429, { ok: false, code: 'CLIENT_ERROR', retryable: false }],
    [301, { ok: false, code: 'REDIRECT', retryable: false }],
    [308, { ok: false, code: 'REDIRECT', retryable: false }],
    [101, { ok: false, code: 'UNEXPECTED_STATUS', retryable: false }],
    [600, { ok: false, code: 'UNEXPECTED_STATUS', retryable: false }],
    [999, { ok: false, code: 'UNEXPECTED_STATUS', retryable: false }],
  ])('%i → %o', (status, verdict) => {
    expect(classifyStatus(status, none)).toEqual(verdict)
  })

  it('429 listed in retryStatuses → retryable', () => {
    expect(classifyStatus(429, new Set([429]))).toEqual({ ok: false, code: 'CLIENT_ERROR', retryable: true })
  })
})

describe('retryAfterSeconds', () => {
  const now = Date.parse('2026-01-01T00:00:00Z')
  it.each([
    [undefined, undefined],
    ['120', 120],
    [' 5 ', 5],
    ['0', 0],
    ['-5', undefined],
    ['1.5', undefined],
    ['soon', undefined],
    ['Thu, 01 Jan 2026 00:01:00 GMT', 60],
    ['Wed, 31 Dec 2025 00:00:00 GMT', 0],
    ['x'.repeat(100), undefined],
    // Longer than 10 digits: still a (huge) delay, capped by maxRetryAfter; it used to be ignored.
    ['99999999999', 99999999999],
    ['9'.repeat(400), Number.POSITIVE_INFINITY],
  ])('%j → %j', (header, seconds) => {
    expect(retryAfterSeconds(header, now)).toBe(seconds)
  })

  // RFC 9110 §5.6.7: exactly three forms, matched before Date.parse, which reads almost anything as a date
  // (`Foo 2030` is 1 January 2030 to V8): anything else is ignored, and the normal backoff applies.
  it.each([
    ['IMF-fixdate', 'Thu, 01 Jan 2026 00:01:00 GMT', 60],
    ['IMF-fixdate in the past', 'Sun, 06 Nov 1994 08:49:37 GMT', 0],
    ['RFC 850 date', 'Thursday, 01-Jan-26 00:01:00 GMT', 60],
    ['RFC 850 date, year over 50 years ahead read as the past', 'Saturday, 01-Jan-77 00:00:00 GMT', 0],
    ['RFC 850 date, year under 50 years ahead', 'Friday, 01-Jan-70 00:00:00 GMT', 1_388_534_400],
    ['asctime date, day padded with a space', 'Thu Jan  1 00:01:00 2026', 60],
    ['asctime date, two-digit day', 'Sat Jan 10 00:00:00 2026', 777_600],
    ['a word and a year', 'Foo 2030', undefined],
    ['a word and a number', 'Later 99999', undefined],
    ['a day name and a year', 'Thu 2030', undefined],
    ['lowercase names', 'thu, 01 jan 2026 00:01:00 gmt', undefined],
    ['UTC instead of GMT', 'Thu, 01 Jan 2026 00:01:00 UTC', undefined],
    ['a numeric zone', 'Thu, 01 Jan 2026 00:01:00 +0000', undefined],
    ['an unpadded day', 'Thu, 1 Jan 2026 00:01:00 GMT', undefined],
    ['no seconds', 'Thu, 01 Jan 2026 00:01 GMT', undefined],
    ['text after the date', 'Thu, 01 Jan 2026 00:01:00 GMT later', undefined],
    ['a full day name in an IMF-fixdate', 'Thursday, 01 Jan 2026 00:01:00 GMT', undefined],
    ['asctime with one space before a one-digit day', 'Thu Jan 1 00:01:00 2026', undefined],
    ['31 February', 'Tue, 31 Feb 2026 00:00:00 GMT', undefined],
    ['hour 24', 'Thu, 01 Jan 2026 24:00:00 GMT', undefined],
    ['ISO 8601', '2026-01-01T00:01:00Z', undefined],
  ])('%s %j → %j', (_form, header, seconds) => {
    expect(retryAfterSeconds(header, now)).toBe(seconds)
  })

  it('asctime date on a machine in New York → still GMT (the form has no zone; Date.parse read local time)', () => {
    const saved = process.env.TZ
    process.env.TZ = 'America/New_York'
    try {
      expect(retryAfterSeconds('Thu Jan  1 00:01:00 2026', now)).toBe(60)
    } finally {
      if (saved === undefined) delete process.env.TZ
      else process.env.TZ = saved
    }
  })
})

describe('retryDelayMs', () => {
  const base = {
    policy: DEFAULT_RETRY,
    retry: 1,
    retryAfter: undefined,
    maxRetryAfter: 300,
    jitter: 0,
    scale: 1,
  }
  it.each([
    ['no jitter, retry 1', {}, 10_000],
    ['retry 2', { retry: 2 }, 30_000],
    ['scale 0.01', { scale: 0.01 }, 100],
    ['Retry-After longer than backoff wins', { retryAfter: 45 }, 45_000],
    ['Retry-After shorter than backoff loses', { retryAfter: 2 }, 10_000],
    ['Retry-After capped by maxRetryAfter', { retryAfter: 10_000, maxRetryAfter: 120 }, 120_000],
    ['jitter 0.5 with random 0 → lower edge', { jitter: 0.5, random: () => 0 }, 5_000],
    ['jitter 0.5 with random 0.999… → upper edge', { jitter: 0.5, random: () => 0.999999 }, 15_000],
  ])('%s → %i ms', (_name, input, expected) => {
    expect(retryDelayMs({ ...base, random: () => 0.5, ...input })).toBeCloseTo(expected, -1)
  })
})
