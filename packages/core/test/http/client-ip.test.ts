import { describe, expect, it } from 'vitest'
import { clientIp } from '../../src/http/index.js'

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
