import type { EventMap, LedgerlyEvents, VerifiedWebhook } from '@ledgerly/webhooks'
import {
  type AdapterOptions,
  answerFor,
  drainBody,
  isRequestAbortedError,
  SOURCE_REFUSAL_DRAIN,
  sourceRefusal,
  validateAdapterOptions,
} from '@ledgerly/webhooks/http'
import type { Context, MiddlewareHandler } from 'hono'
import { socketAddress } from './client-address.js'
import { nodeServerIncoming, untouchedIncoming } from './node-body.js'
import { readRawBody } from './raw-body.js'
import { nextOnce } from './run-idempotent.js'

/** Options of {@link ledgerlyWebhook}: the verifier's and adapters' options, plus how to find the source address. */
export interface HonoWebhookOptions extends AdapterOptions {
  /**
   * Where the TCP peer's address comes from, for `allowedIps`. Default: read from `c.env` on
   * `@hono/node-server`, Bun and Deno. On Cloudflare Workers use `(c) => c.req.header('cf-connecting-ip')`.
   * No address with `allowedIps` set and `trustProxy` off is answered 500 (this configuration), not 403.
   */
  getClientIp?: (c: Context) => string | null | undefined
}

/** The Hono environment the middleware adds: `c.get('ledgerly')` is the verified webhook. */
export interface LedgerlyVariables<Events extends EventMap = LedgerlyEvents> {
  Variables: { ledgerly: VerifiedWebhook<Events> }
}

const GET_CLIENT_IP_HINT =
  "Pass getClientIp: (c) => c.req.header('cf-connecting-ip') on Cloudflare Workers (Cloudflare sets that header), or a function returning the peer address your runtime gives"

/**
 * Whether the client has already closed the connection: Node's socket on `@hono/node-server` (asked
 * directly, so node-server need not build its `Request`), the request's abort signal elsewhere.
 */
function clientGone(c: Context): boolean {
  const incoming = nodeServerIncoming(c.env) as
    | { destroyed?: boolean; socket?: { destroyed?: boolean } }
    | undefined
  if (incoming) return incoming.destroyed === true || incoming.socket?.destroyed === true
  return c.req.raw.signal?.aborted === true
}

/**
 * Answers a refused source (403, or 500 for no address) only after reading and dropping its body, bounded
 * by `drainBody`'s budget: a runtime that closes the connection with the upload unread (workerd) makes a
 * sender still writing see EPIPE instead of the answer, and retry. On `@hono/node-server`, an untouched
 * Node request is left alone: node-server drains unread bodies itself after answering.
 */
async function refuseSource(c: Context, refusal: Error): Promise<never> {
  if (!untouchedIncoming(c.env, c.req.raw) && !c.req.raw.bodyUsed) {
    await drainBody(c.req.raw.body, {
      ...SOURCE_REFUSAL_DRAIN,
      contentLength: c.req.header('content-length'),
    })
  }
  throw refusal
}

/**
 * Hono middleware that verifies a Ledgerly webhook before your handler runs. It reads the raw body itself
 * (refusing it over `maxBodyBytes` while it streams), checks the signature and timestamp with the core
 * verifier, and puts the verified webhook on `c.get('ledgerly')`. A rejection is answered with
 * `application/problem+json` and the status of its code; your handler never runs.
 *
 * Options are validated once, here: a bad secret or option throws when the app is built.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono'
 * import { ledgerlyWebhook } from '@ledgerly/webhooks-hono'
 *
 * const app = new Hono()
 * app.post('/webhooks/ledgerly', ledgerlyWebhook({ secret: process.env.LEDGERLY_WEBHOOK_SECRET! }), (c) => {
 *   const webhook = c.get('ledgerly')
 *   console.log(webhook.event, webhook.data.id)
 *   return c.body(null, 204)
 * })
 * ```
 */
export function ledgerlyWebhook<Events extends EventMap = LedgerlyEvents>(
  options: HonoWebhookOptions,
): MiddlewareHandler<LedgerlyVariables<Events>> {
  const settings = validateAdapterOptions(options, 'ledgerlyWebhook')
  const { verifier, maxBodyBytes, isAllowed, onError, idempotency } = settings
  const getClientIp = options.getClientIp ?? socketAddress
  if (typeof getClientIp !== 'function')
    throw new TypeError('ledgerlyWebhook: "getClientIp" must be a function')

  return async function ledgerlyWebhookMiddleware(c, next) {
    try {
      if (isAllowed) {
        const refusal = sourceRefusal(settings, {
          peer: getClientIp(c),
          forwardedFor: c.req.header('x-forwarded-for'),
          gone: () => clientGone(c),
          howToFix: GET_CLIENT_IP_HINT,
        })
        if (isRequestAbortedError(refusal)) throw refusal
        if (refusal) await refuseSource(c, refusal)
      }
      const incoming = untouchedIncoming(c.env, c.req.raw)
      const payload = await readRawBody(c, maxBodyBytes, incoming)
      const webhook = (await verifier.verify({
        payload,
        // Node's flat rawHeaders when available: c.req.raw.headers would build a Headers object per request.
        headers: incoming ? incoming.rawHeaders : c.req.raw.headers,
      })) as VerifiedWebhook<Events>
      c.set('ledgerly', webhook)
      if (!idempotency) return void (await next())
      return await nextOnce(c, next, webhook as VerifiedWebhook, idempotency)
    } catch (error) {
      // Nobody is left to read an answer (Node's stream, or the Fetch body on Bun, Deno, Workers, failed
      // mid-body): 499 (nginx's "client closed request") for access logs, no onError, nothing logged.
      if (isRequestAbortedError(error)) return c.body(null, 499 as 400)
      const answer = await answerFor(error, onError)
      return c.body(answer.body, answer.status as 400, answer.headers)
    }
  }
}
