import { describe, expect, it } from 'vitest'
import { createIpAllowlist } from '../../src/http/index.js'

const LIST = [
  '192.0.2.0/24',
  '203.0.113.7',
  '2001:db8::/32',
  '::1',
  '::ffff:10.0.0.0/104',
  '198.51.100.128/25',
]

describe('createIpAllowlist', () => {
  const isAllowed = createIpAllowlist(LIST)
  it.each([
    ['192.0.2.0', true],
    ['192.0.2.255', true],
    ['192.0.3.0', false],
    ['203.0.113.7', true],
    ['203.0.113.8', false],
    ['::ffff:192.0.2.10', true],
    ['::FFFF:203.0.113.7', true],
    ['::ffff:c000:020a', true],
    ['2001:db8::1', true],
    ['2001:DB8:ffff::1', true],
    ['2001:db9::1', false],
    ['::1', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::2', false],
    ['fe80::1%eth0', false],
    ['10.200.3.4', true],
    ['11.0.0.1', false],
    ['198.51.100.128', true],
    ['198.51.100.127', false],
    ['', false],
    ['not an ip', false],
    ['192.0.2', false],
    ['192.0.2.1.5', false],
    ['0192.0.2.1', false],
    ['192.0.2.256', false],
    ['1::2::3', false],
    ['2001:db8:0:0:0:0:0:0:1', false],
    ['2001:db8:12345::', false],
    ['x'.repeat(10_000), false],
  ])('isAllowed(%j) → %s', (ip, expected) => {
    expect(isAllowed(ip)).toBe(expected)
  })

  it('isAllowed(non-string) → false', () => {
    expect(isAllowed(undefined as unknown as string)).toBe(false)
    expect(isAllowed(12 as unknown as string)).toBe(false)
  })

  it('[] → refuses every address', () => {
    expect(createIpAllowlist([])('127.0.0.1')).toBe(false)
  })

  it('0.0.0.0/0 and ::/0 → every address of their family', () => {
    const all = createIpAllowlist(['0.0.0.0/0', '::/0'])
    expect(all('8.8.8.8')).toBe(true)
    expect(all('2001:4860::8888')).toBe(true)
  })

  it.each([
    ['10.0.0.0/33', 'prefix length outside 0..32'],
    ['2001:db8::/129', 'prefix length outside 0..128'],
    ['10.0.0.0/-1', 'prefix length'],
    ['10.0.0.0/08', 'prefix length'],
    ['10.0.0.0/', 'prefix length'],
    ['10.0.0', 'not an IPv4 or IPv6'],
    ['hello', 'not an IPv4 or IPv6'],
    ['010.0.0.1', 'not an IPv4 or IPv6'],
    ['fe80::1%eth0', 'not an IPv4 or IPv6'],
    ['', 'not an IPv4 or IPv6'],
  ])('createIpAllowlist([%j]) → TypeError naming it', (entry, message) => {
    expect(() => createIpAllowlist(['127.0.0.1', entry])).toThrow(TypeError)
    expect(() => createIpAllowlist(['127.0.0.1', entry])).toThrow(message)
    expect(() => createIpAllowlist(['127.0.0.1', entry])).toThrow(`entry 1 (${JSON.stringify(entry)})`)
  })

  it('createIpAllowlist([42]) and createIpAllowlist("10.0.0.1") → TypeError', () => {
    expect(() => createIpAllowlist([42 as unknown as string])).toThrow(/entry 0 \(42\) must be a string/)
    expect(() => createIpAllowlist('10.0.0.1' as unknown as string[])).toThrow(TypeError)
  })
})
