/**
 * Strict IP address parsing for the allowlist: text → bytes (4 for IPv4, 16 for IPv6), `undefined` for
 * anything that is not exactly an address. Strict on purpose: an allowlist must not guess what
 * `010.0.0.1` (octal in some parsers) or `1.2.3` (shorthand in others) means.
 */

const DECIMAL_OCTET = /^(?:0|[1-9][0-9]{0,2})$/
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/

/** Parses dotted-quad IPv4 (`192.0.2.1`): four decimal octets, no leading zeros. */
export function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  const out = new Uint8Array(4)
  for (let i = 0; i < 4; i++) {
    const part = parts[i]!
    if (!DECIMAL_OCTET.test(part)) return undefined
    const value = Number(part)
    if (value > 255) return undefined
    out[i] = value
  }
  return out
}

function parseGroups(text: string, out: number[]): boolean {
  if (text === '') return true
  const groups = text.split(':')
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i]!
    // The last group may be an embedded IPv4 address (`::ffff:192.0.2.1`), worth two 16-bit groups.
    if (i === groups.length - 1 && group.includes('.')) {
      const v4 = parseIpv4(group)
      if (!v4) return false
      out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!)
      continue
    }
    if (!HEX_GROUP.test(group)) return false
    out.push(Number.parseInt(group, 16))
  }
  return true
}

/** Parses IPv6 text (`2001:db8::1`, `::ffff:192.0.2.1`), with at most one `::`. No zone id. */
export function parseIpv6(text: string): Uint8Array | undefined {
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  const head: number[] = []
  const tail: number[] = []
  if (!parseGroups(halves[0]!, head)) return undefined
  if (halves.length === 2 && !parseGroups(halves[1]!, tail)) return undefined
  // An embedded IPv4 may only end the address, so it cannot sit before `::`.
  if (halves.length === 2 && halves[0]!.includes('.')) return undefined
  const missing = 8 - head.length - tail.length
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined
  const groups = halves.length === 1 ? head : [...head, ...new Array<number>(missing).fill(0), ...tail]
  const out = new Uint8Array(16)
  for (let i = 0; i < 8; i++) {
    out[2 * i] = groups[i]! >> 8
    out[2 * i + 1] = groups[i]! & 0xff
  }
  return out
}

/** `true` when 16 bytes are an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`). */
export function isIpv4Mapped(bytes: Uint8Array): boolean {
  if (bytes.length !== 16) return false
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false
  return bytes[10] === 0xff && bytes[11] === 0xff
}

/**
 * Parses an address as it reaches a server (`192.0.2.1`, `2001:db8::1`, `::ffff:192.0.2.1`,
 * `fe80::1%eth0`), folding IPv4-mapped IPv6 to plain IPv4 so one list entry covers both spellings.
 */
export function parseIp(text: string): Uint8Array | undefined {
  if (typeof text !== 'string' || text.length === 0 || text.length > 64) return undefined
  if (!text.includes(':')) return parseIpv4(text)
  const zone = text.indexOf('%')
  const bytes = parseIpv6(zone === -1 ? text : text.slice(0, zone))
  if (bytes && isIpv4Mapped(bytes)) return bytes.slice(12)
  return bytes
}
