import { clientIp } from './client-ip.js'
import { ForbiddenSourceError } from './problem.js'
import { RequestAbortedError } from './request-aborted.js'
import { isSourceUnknown, UnknownSourceError } from './unknown-source.js'

/** What {@link sourceRefusal} needs to know about one request, as the adapter reads it from its runtime. */
export interface RequestSource {
  /** The TCP peer's address as the runtime (or the app's `getClientIp`) gave it; none is `undefined`/`null`/`''`. */
  peer: string | null | undefined
  /** The `X-Forwarded-For` header, read only under `trustProxy`. */
  forwardedFor: string | undefined
  /** Whether the client has already closed the connection (Node and Bun then report no peer address). */
  gone(): boolean
  /** The adapter's advice for a runtime that gives no address (how to pass `getClientIp` there). */
  howToFix: string
}

/**
 * `allowedIps`, decided once for every adapter: `undefined` when the source is let in, else the error to
 * answer with. An address outside the list, or too few `X-Forwarded-For` entries under `trustProxy`, is the
 * sender's: a {@link ForbiddenSourceError} (403). No address at all with `trustProxy` off is the receiver's
 * configuration ({@link UnknownSourceError}, 500 and logged, so nothing is lost) — unless the client has
 * already gone, which is a {@link RequestAbortedError} (a quiet 499 nobody reads, and anyone could cause).
 *
 * @example
 * ```ts
 * import { sourceRefusal } from '@ledgerly/webhooks/http'
 *
 * const refusal = sourceRefusal(settings, {
 *   peer: request.headers.get('cf-connecting-ip'),
 *   forwardedFor: request.headers.get('x-forwarded-for') ?? undefined,
 *   gone: () => request.signal.aborted,
 *   howToFix: 'Pass getClientIp',
 * })
 * if (refusal) throw refusal
 * ```
 */
export function sourceRefusal(
  settings: { isAllowed?: (ip: string) => boolean; trustProxy: boolean | number },
  source: RequestSource,
): Error | undefined {
  const { isAllowed, trustProxy } = settings
  if (!isAllowed) return undefined
  if (isSourceUnknown(source.peer, trustProxy)) {
    return source.gone() ? new RequestAbortedError() : new UnknownSourceError(source.howToFix)
  }
  const ip = clientIp(source.peer ?? undefined, source.forwardedFor, trustProxy)
  return ip !== undefined && isAllowed(ip) ? undefined : new ForbiddenSourceError()
}
