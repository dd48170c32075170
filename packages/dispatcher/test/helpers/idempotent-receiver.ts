import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createVerifier, isWebhookVerificationError } from '@ledgerly/webhooks'
import { memoryStore, runOnce } from '@ledgerly/webhooks/idempotency'

/**
 * A verifying receiver that handles each event exactly once with the core's `runOnce`, as the README of
 * the core tells receivers to. `work(id)` is the handler (it may stall to let a test kill the sender).
 */
export async function startIdempotentReceiver(
  secret: string,
  work: (id: string) => Promise<void> = async () => {},
) {
  const verifier = createVerifier({ secret })
  const store = memoryStore()
  const handled = new Map<string, number>()
  const deliveries = new Map<string, number>()
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    try {
      const webhook = await verifier.verify({
        payload: new Uint8Array(Buffer.concat(chunks)),
        headers: request.headers,
      })
      deliveries.set(webhook.id, (deliveries.get(webhook.id) ?? 0) + 1)
      const result = await runOnce(webhook, { store }, async () => {
        await work(webhook.id)
        handled.set(webhook.id, (handled.get(webhook.id) ?? 0) + 1)
      })
      if (result.outcome === 'in-progress') {
        response.writeHead(503, { 'retry-after': String(result.retryAfterSeconds) }).end()
      } else {
        response.writeHead(200).end()
      }
    } catch (error) {
      const status = isWebhookVerificationError(error) ? error.status : 500
      if (!response.destroyed) response.writeHead(status).end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    /** Times each event id was handled (must be 1). */
    handled,
    /** Verified requests per event id (at least 1; more after redeliveries). */
    deliveries,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
