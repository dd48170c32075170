import type { EventMap, LedgerlyEvents, VerifiedWebhook } from '@ledgerly/webhooks'
import {
  type AdapterOptions,
  answerFor,
  clientIp,
  drainBody,
  ForbiddenSourceError,
  SOURCE_REFUSAL_DRAIN,
  validateAdapterOptions,
} from '@ledgerly/webhooks/http'
import type { Context, MiddlewareHandler } from 'hono'
import { socketAddress } from './client-address.js'
import { RequestAbortedError, untouchedIncoming } from './node-body.js'
import { readRawBody } from './raw-body.js'
import { nextOnce } from './run-idempotent.js'

/** Options of {@link ledgerlyWebhook}: the verifier's and adapters' options, plus how to find the source address. */
export interface HonoWebhookOptions extends AdapterOptions {
  /**
   * Where the TCP peer's address comes from, for `allowedIps`. Default: read from `c.env` on
   * `@hono/node-server`, Bun and Deno. On Cloudflare Workers use `(c) => c.req.header('cf-connecting-ip')`.
   */
  getClientIp?: (c: Context) => string | undefined
}

/** The Hono environment the middleware adds: `c.get('ledgerly')` is the verified webhook. */
export interface LedgerlyVariables<Events extends EventMap = LedgerlyEvents> {
  Variables: { ledgerly: VerifiedWebhook<Events> }
}

/**
 * Answers a request from outside `allowedIps` (403) only after reading and dropping its body, bounded by
 * `drainBody`'s budget: a runtime that closes the connection with the upload unread (workerd) makes a
 * sender still writing see EPIPE instead of the 403, and retry. On `@hono/node-server`, an untouched Node
 * request is left alone: node-server drains unread bodies itself after answering.
 */
async function refuseSource(c: Context): Promise<never> {
  if (!untouchedIncoming(c.env, c.req.raw) && !c.req.raw.bodyUsed) {
    await drainBody(c.req.raw.body, {
      ...SOURCE_REFUSAL_DRAIN,
      contentLength: c.req.header('content-length'),
    })
  }
  throw new ForbiddenSourceError()
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
  const { verifier, maxBodyBytes, isAllowed, trustProxy, onError, idempotency } = settings
  const getClientIp = options.getClientIp ?? socketAddress
  if (typeof getClientIp !== 'function')
    throw new TypeError('ledgerlyWebhook: "getClientIp" must be a function')

  return async function ledgerlyWebhookMiddleware(c, next) {
    try {
      if (isAllowed) {
        const ip = clientIp(getClientIp(c), c.req.header('x-forwarded-for'), trustProxy)
        if (ip === undefined || !isAllowed(ip)) await refuseSource(c)
      }
      const incoming = untouchedIncoming(c.env, c.req.raw)
      const payload = await readRawBody(c.req, maxBodyBytes, incoming)
      const webhook = (await verifier.verify({
        payload,
        // Node's flat rawHeaders when available: c.req.raw.headers would build a Headers object per request.
        headers: incoming ? incoming.rawHeaders : c.req.raw.headers,
      })) as VerifiedWebhook<Events>
      c.set('ledgerly', webhook)
      if (!idempotency) return void (await next())
      return await nextOnce(c, next, webhook as VerifiedWebhook, idempotency)
    } catch (error) {
      // Nobody is left to read an answer: 499 (nginx's "client closed request") for access logs, no onError.
      if (error instanceof RequestAbortedError) return c.body(null, 499 as 400)
      const answer = await answerFor(error, onError)
      return c.body(answer.body, answer.status as 400, answer.headers)
    }
  }
}
