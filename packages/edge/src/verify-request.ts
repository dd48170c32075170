import {
  type EventMap,
  type LedgerlyEvents,
  type VerifiedWebhook,
  WebhookVerificationError,
} from '@ledgerly/webhooks'
import {
  drainBody,
  isRequestAbortedError,
  readBodyWithLimit,
  SOURCE_REFUSAL_DRAIN,
  sourceRefusal,
} from '@ledgerly/webhooks/http'
import type { EdgeSettings, EdgeWebhookOptions } from './settings.js'
import { settingsFor } from './settings.js'

const USED_HINT =
  'verify the request before anything reads its body (request.json(), request.text(), formData()), or pass request.clone()'

const GET_CLIENT_IP_HINT =
  "Pass getClientIp: (request) => request.headers.get('cf-connecting-ip') on Cloudflare Workers (Cloudflare sets that header), or a function returning the peer address your platform gives"

/** The verification steps, given validated settings; shared by both public entry points. */
export async function verifyWith<Events extends EventMap>(
  settings: EdgeSettings,
  request: Request,
  rest: unknown[],
): Promise<VerifiedWebhook<Events>> {
  if (!(request instanceof Request) && typeof (request as Partial<Request>)?.headers?.get !== 'function') {
    throw new TypeError('verifyRequest: pass a Fetch Request')
  }
  const refusal = settings.isAllowed
    ? sourceRefusal(settings, {
        peer: settings.getClientIp(request, ...rest),
        forwardedFor: request.headers.get('x-forwarded-for') ?? undefined,
        gone: () => request.signal?.aborted === true,
        howToFix: GET_CLIENT_IP_HINT,
      })
    : undefined
  if (isRequestAbortedError(refusal)) throw refusal
  if (refusal) {
    // Drained (1 MiB / 1 s at most, never kept) before refusing, so the sender of a webhook-sized
    // body reads the 403 (or 500) rather than a reset; a large upload from a refused address is cut short.
    if (!request.bodyUsed) {
      const contentLength = request.headers.get('content-length')
      await drainBody(request.body, { ...SOURCE_REFUSAL_DRAIN, contentLength })
    }
    throw refusal
  }
  if (request.bodyUsed) {
    throw new WebhookVerificationError('PAYLOAD_NOT_RAW', 'The request body was already read', USED_HINT)
  }
  const payload = await readBodyWithLimit(
    request.body,
    request.headers.get('content-length'),
    settings.maxBodyBytes,
  )
  return (await settings.verifier.verify({ payload, headers: request.headers })) as VerifiedWebhook<Events>
}

/**
 * Verifies a Fetch `Request` carrying a Ledgerly webhook and resolves to the verified webhook. Reads the
 * body itself, refusing it over `maxBodyBytes` while it streams; a body refused unread (413 on
 * `Content-Length`, 403) is first drained, bounded and never kept, so the sender can read the answer you
 * send. Rejects with a
 * `WebhookVerificationError` (`code`, `status`) — or a `ForbiddenSourceError` (403) when `allowedIps` is
 * set and the source is outside it. Two other rejections are not the sender's fault: an
 * `UnknownSourceError` when `allowedIps` is set but there is no address to check (pass `getClientIp`;
 * answer 500), and a `RequestAbortedError` (`isRequestAbortedError`) when the sender went away mid-body
 * (nobody is left to answer). Options are validated once per options object: keep it in a constant.
 *
 * @example
 * ```ts
 * import { verifyRequest } from '@ledgerly/webhooks-edge'
 *
 * const options = { secret: process.env.LEDGERLY_WEBHOOK_SECRET! }
 *
 * export async function POST(request: Request) {
 *   const webhook = await verifyRequest(request, options) // throws on a bad signature
 *   console.log(webhook.event, webhook.data.id)
 *   return new Response(null, { status: 204 })
 * }
 * ```
 */
export function verifyRequest<Events extends EventMap = LedgerlyEvents>(
  request: Request,
  options: EdgeWebhookOptions,
  ...runtimeArgs: unknown[]
): Promise<VerifiedWebhook<Events>> {
  // Options errors throw synchronously, like everywhere else in the SDK; request errors reject.
  const settings = settingsFor(options, 'verifyRequest')
  return verifyWith<Events>(settings, request, runtimeArgs)
}
