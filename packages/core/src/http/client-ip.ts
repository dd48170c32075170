/** Longest `X-Forwarded-For` we look at; a longer header is refused rather than split. */
const MAX_FORWARDED_FOR_LENGTH = 4096

/** Strips a port the way some proxies append it: `[2001:db8::1]:443` and `192.0.2.1:443`. */
function withoutPort(entry: string): string {
  if (entry.startsWith('[')) {
    const end = entry.indexOf(']')
    return end === -1 ? entry : entry.slice(1, end)
  }
  const colon = entry.indexOf(':')
  if (colon !== -1 && colon === entry.lastIndexOf(':') && entry.includes('.')) return entry.slice(0, colon)
  return entry
}

/** How many proxies' `X-Forwarded-For` entries to trust: 0 when the TCP peer is the client. */
export function proxyHops(trustProxy: boolean | number): number {
  const hops = trustProxy === true ? 1 : trustProxy === false ? 0 : trustProxy
  return Number.isInteger(hops) && hops > 0 ? hops : 0
}

/**
 * The address to check against `allowedIps`.
 *
 * - `trustProxy: false` (the default): the TCP peer's address. `X-Forwarded-For` is ignored, because any
 *   client can send it.
 * - `trustProxy: N` (a whole number ≥ 1): you run N proxies in front of the app; each appends the address
 *   it saw, so the client is the N-th entry from the right. `true` means `1`. Fewer than N entries (or no
 *   header) gives `undefined`, which an allowlist refuses: the request did not come through your proxies.
 *
 * Under `trustProxy: false` with no socket address there is nothing to check at all: see
 * `isSourceUnknown`, which adapters answer 500 rather than refusing the sender.
 *
 * @example
 * ```ts
 * import { clientIp } from '@ledgerly/webhooks/http'
 * clientIp('10.0.0.2', '203.0.113.7, 10.0.0.1', false) // '10.0.0.2'
 * clientIp('10.0.0.2', '203.0.113.7, 10.0.0.1', 2) // '203.0.113.7'
 * ```
 */
export function clientIp(
  socketAddress: string | undefined,
  forwardedFor: string | undefined,
  trustProxy: boolean | number,
): string | undefined {
  const hops = proxyHops(trustProxy)
  if (hops === 0) return socketAddress
  if (typeof forwardedFor !== 'string' || forwardedFor.length > MAX_FORWARDED_FOR_LENGTH) return undefined
  const entries = forwardedFor.split(',')
  if (entries.length < hops) return undefined
  const entry = entries[entries.length - hops]!.trim()
  return entry === '' ? undefined : withoutPort(entry)
}
