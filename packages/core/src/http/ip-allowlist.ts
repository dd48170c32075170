import { isIpv4Mapped, parseIp, parseIpv4, parseIpv6 } from './ip-address.js'

interface Range {
  bytes: Uint8Array
  prefix: number
}

const PREFIX = /^(?:0|[1-9][0-9]{0,2})$/

function parseEntry(entry: unknown, index: number): Range {
  const label = `createIpAllowlist: entry ${index} (${JSON.stringify(entry)})`
  if (typeof entry !== 'string') throw new TypeError(`${label} must be a string such as "192.0.2.0/24"`)
  const slash = entry.indexOf('/')
  const address = (slash === -1 ? entry : entry.slice(0, slash)).trim()
  const isV6 = address.includes(':')
  let bytes = isV6 ? parseIpv6(address) : parseIpv4(address)
  if (!bytes) throw new TypeError(`${label} is not an IPv4 or IPv6 address or CIDR`)
  const width = bytes.length * 8
  let prefix = width
  if (slash !== -1) {
    const text = entry.slice(slash + 1).trim()
    if (!PREFIX.test(text) || Number(text) > width) {
      throw new TypeError(`${label} has a prefix length outside 0..${width}`)
    }
    prefix = Number(text)
  }
  // `::ffff:10.0.0.0/104` is the IPv4 range 10.0.0.0/8; client addresses are folded the same way.
  if (isV6 && isIpv4Mapped(bytes) && prefix >= 96) {
    bytes = bytes.slice(12)
    prefix -= 96
  }
  return { bytes, prefix }
}

function inRange(address: Uint8Array, range: Range): boolean {
  if (address.length !== range.bytes.length) return false
  const whole = range.prefix >> 3
  for (let i = 0; i < whole; i++) if (address[i] !== range.bytes[i]) return false
  const rest = range.prefix & 7
  if (rest === 0) return true
  const mask = (0xff << (8 - rest)) & 0xff
  return (address[whole]! & mask) === (range.bytes[whole]! & mask)
}

/**
 * Builds a matcher for a list of IPv4/IPv6 addresses and CIDR ranges, validated once: a bad entry throws
 * a `TypeError` naming it. IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`, what a dual-stack Node server
 * reports) match IPv4 entries. Anything that is not a well-formed address is refused.
 *
 * @example
 * ```ts
 * import { createIpAllowlist } from '@ledgerly/webhooks/http'
 * const isAllowed = createIpAllowlist(['192.0.2.0/24', '2001:db8::/32', '203.0.113.7'])
 * isAllowed('::ffff:192.0.2.10') // true
 * isAllowed('198.51.100.1') // false
 * ```
 */
export function createIpAllowlist(cidrs: readonly string[]): (ip: string) => boolean {
  if (!Array.isArray(cidrs)) {
    throw new TypeError(
      'createIpAllowlist: pass an array of addresses or CIDR ranges, such as ["192.0.2.0/24"]',
    )
  }
  const ranges = cidrs.map(parseEntry)
  return function isAllowed(ip: string): boolean {
    const address = parseIp(ip)
    if (!address) return false
    for (const range of ranges) if (inRange(address, range)) return true
    return false
  }
}
