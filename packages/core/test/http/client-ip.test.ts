import { describe, expect, it } from 'vitest'
import { clientIp, isSourceUnknown, problemFor, UnknownSourceError } from '../../src/http/index.js'

describe('clientIp', () => {
  it.each<[string | undefined, string | undefined, boolean | number, string | undefined]>([
    ['10.0.0.2', undefined, false, '10.0.0.2'],
    ['10.0.0.2', '203.0.113.7', false, '10.0.0.2'],
    [undefined, '203.0.113.7', false, undefined],
    ['10.0.0.2', '203.0.113.7', 0, '10.0.0.2'],
    ['10.0.0.2', '203.0.113.7', true, '203.0.113.7'],
    ['10.0.0.2', '198.51.100.1, 203.0.113.7', true, '203.0.113.7'],
    ['10.0.0.2', '198.51.100.1, 203.0.113.7', 1, '203.0.113.7'],
    ['10.0.0.2', '198.51.100.1 ,  203.0.113.7', 2, '198.51.100.1'],
    ['10.0.0.2', '203.0.113.7', 2, undefined],
    ['10.0.0.2', undefined, true, undefined],
    ['10.0.0.2', '', true, undefined],
    ['10.0.0.2', '203.0.113.7, ', 1, undefined],
    ['10.0.0.2', '203.0.113.7:4711', 1, '203.0.113.7'],
    ['10.0.0.2', '[2001:db8::1]:443', 1, '2001:db8::1'],
    ['10.0.0.2', '2001:db8::1', 1, '2001:db8::1'],
    ['10.0.0.2', `${'1.1.1.1,'.repeat(1000)}2.2.2.2`, 1, undefined],
  ])('clientIp(%j, %j, %j) → %j', (socket, forwarded, trust, expected) => {
    expect(clientIp(socket, forwarded, trust)).toBe(expected)
  })
})

describe('isSourceUnknown', () => {
  it.each<[string | null | undefined, boolean | number, boolean]>([
    [undefined, false, true],
    [null, false, true],
    ['', false, true],
    [undefined, 0, true],
    ['10.0.0.2', false, false],
    // Under trustProxy the address comes from X-Forwarded-For: too few entries is a refusal (403), not this.
    [undefined, true, false],
    [undefined, 2, false],
  ])('isSourceUnknown(%j, %j) → %j', (socket, trust, expected) => {
    expect(isSourceUnknown(socket, trust)).toBe(expected)
  })
})

describe('UnknownSourceError', () => {
  it('new UnknownSourceError(how to fix) → an Error that names allowedIps, the fix and trustProxy, answered 500', () => {
    const error = new UnknownSourceError("pass getClientIp: (c) => c.req.header('cf-connecting-ip')")
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('UnknownSourceError')
    expect(error.message).toMatch(/allowedIps/)
    expect(error.message).toContain("(c) => c.req.header('cf-connecting-ip')")
    expect(problemFor(error).status).toBe(500)
  })
})
