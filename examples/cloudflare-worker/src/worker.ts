// A Cloudflare Worker that receives Ledgerly webhooks. Bindings only exist per request in module
// workers, so the verifying handler is built on the first request and reused after that.
import type { LedgerlyEvents } from '@ledgerly/webhooks'
import { withLedgerlyWebhook } from '@ledgerly/webhooks-edge'

export interface Env {
  /** Set with `wrangler secret put LEDGERLY_WEBHOOK_SECRET` (or a text binding in workerd.capnp). */
  LEDGERLY_WEBHOOK_SECRET: string
}

interface ExecutionContextLike {
  waitUntil(promise: Promise<unknown>): void
}

type Handler = (request: Request, env: Env, ctx: ExecutionContextLike) => Promise<Response>

let handleWebhook: Handler | undefined

function build(env: Env): Handler {
  return withLedgerlyWebhook<LedgerlyEvents, [Env, ExecutionContextLike]>(
    (webhook) => {
      // Answer fast (Ledgerly waits a few seconds); queue slow work with ctx.waitUntil or a Queue.
      console.log('ledger entry', webhook.data.id, webhook.data.action)
      return Response.json({ received: webhook.data.id })
    },
    {
      secret: env.LEDGERLY_WEBHOOK_SECRET,
      // On Workers the connecting address comes from Cloudflare's edge, not from the client.
      getClientIp: (request) => request.headers.get('cf-connecting-ip') ?? undefined,
    },
  )
}

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContextLike): Promise<Response> | Response {
    if (request.method !== 'POST') return new Response(null, { status: 405, headers: { allow: 'POST' } })
    handleWebhook ??= build(env)
    return handleWebhook(request, env, ctx)
  },
}
