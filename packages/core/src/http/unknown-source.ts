import { proxyHops } from './client-ip.js'

/**
 * Whether `allowedIps` has no address to check: `trustProxy` is off, so only the TCP peer's address
 * counts, and the runtime (or the app's `getClientIp`) gave none — `undefined`, `null` or `''`. That is
 * the receiver's configuration (Cloudflare Workers and Next.js route handlers expose no peer address),
 * not something the sender did: adapters throw an {@link UnknownSourceError}, answered 500 and logged,
 * never the 403 that would make Ledgerly drop every webhook for good. Under `trustProxy` the address comes
 * from `X-Forwarded-For`, and too few entries stays a refusal (403).
 *
 * @example
 * ```ts
 * import { isSourceUnknown } from '@ledgerly/webhooks/http'
 * isSourceUnknown(undefined, false) // true: nothing to check, a configuration bug
 * isSourceUnknown(undefined, 1) // false: X-Forwarded-For decides
 * isSourceUnknown('192.0.2.1', false) // false
 * ```
 */
export function isSourceUnknown(
  socketAddress: string | null | undefined,
  trustProxy: boolean | number,
): boolean {
  return (typeof socketAddress !== 'string' || socketAddress === '') && proxyHops(trustProxy) === 0
}

/**
 * Thrown by an adapter when `allowedIps` is set but the request has no source address to check (see
 * {@link isSourceUnknown}). A plain `Error` to `problemFor`: answered 500 `INTERNAL_ERROR`, and
 * logged with `console.error` when there is no `onError` hook, so the receiver learns about it while
 * Ledgerly keeps retrying. `howToFix` is the adapter's own advice on `getClientIp`.
 *
 * @example
 * ```ts
 * import { UnknownSourceError } from '@ledgerly/webhooks/http'
 * throw new UnknownSourceError("Pass getClientIp, e.g. (request) => request.headers.get('cf-connecting-ip') on Cloudflare Workers")
 * ```
 */
export class UnknownSourceError extends Error {
  constructor(howToFix: string) {
    super(
      `allowedIps is set, but this request has no source address to check: the runtime gave no TCP peer address and trustProxy is off. ${howToFix}; or, behind proxies of your own that append X-Forwarded-For, set trustProxy to their number. Answered 500 so the sender keeps retrying until this is fixed.`,
    )
    this.name = 'UnknownSourceError'
  }
}
