// The README's examples, run against a real local receiver.
import { createVerifier } from '@ledgerly/webhooks'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createLedgerEvents,
  createSignedDispatcher,
  ledgerEntryExportV1,
  memoryQueue,
  type WebhookDispatcher,
} from '../src/index.js'
import { startServer, statuses } from './helpers/server.js'

const secret = 'readme-secret'
const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function receiver(...codes: number[]) {
  const server = await startServer(statuses(...codes))
  cleanups.push(server.close)
  return server
}

describe('README examples', () => {
  it('quick start → one verified entry_persisted delivery', async () => {
    const { url, received } = await receiver(204)
    const entry = ledgerEntryExportV1.export({ id: 'e_1', action: 'invoice.paid' })
    const dispatcher = createSignedDispatcher({ url, secret })
    cleanups.push(() => dispatcher.close())
    await dispatcher.dispatch({ event: 'entry_persisted', data: entry }, 'entry_persisted')
    await dispatcher.drained()
    expect(received).toHaveLength(1)
    const webhook = await createVerifier({ secret }).verify({
      payload: new Uint8Array(received[0]!.body),
      headers: received[0]!.headers,
    })
    expect(webhook).toMatchObject({ event: 'entry_persisted', id: 'e_1' })
  })

  it('hooks and the log → attempt, retry, success recorded', async () => {
    const { url } = await receiver(500, 200)
    const dispatcher = createSignedDispatcher({ url, secret, backoffScale: 0.001 })
    cleanups.push(() => dispatcher.close())
    const lines: string[] = []
    dispatcher.on('attempt', ({ delivery, attempt }) =>
      lines.push(`${delivery.deliveryId} attempt ${attempt}`),
    )
    dispatcher.on('retry', ({ attempt }) =>
      lines.push(`retry in ${attempt.retryInMs} ms after ${attempt.error?.code}`),
    )
    const deliveryId = await dispatcher.enqueue(
      { event: 'entry_persisted', data: { id: '1' } },
      'entry_persisted',
    )
    await dispatcher.drained()
    expect(lines).toEqual([
      `${deliveryId} attempt 1`,
      'retry in 10 ms after SERVER_ERROR',
      `${deliveryId} attempt 2`,
    ])
    const record = dispatcher.log.get(deliveryId)!
    expect(record).toMatchObject({ state: 'delivered', event: 'entry_persisted', endpoint: url })
    expect(record.attempts.map((a) => a.outcome)).toEqual(['retry', 'delivered'])
  })

  it('ledger events, default route and per-tenant route → each entry delivered where it belongs', async () => {
    const main = await receiver(200)
    const acmeServer = await receiver(200)
    const dispatcher = createSignedDispatcher({ url: main.url, secret })
    const acme = createSignedDispatcher({ url: acmeServer.url, secret })
    cleanups.push(
      () => dispatcher.close(),
      () => acme.close(),
    )
    const ledger = createLedgerEvents({ dispatcher })
    await ledger.entryCreated({ id: 'e_1', action: 'invoice.paid', actor: { type: 'user', id: 42 } })
    const routed = createLedgerEvents()
    routed.onEntryCreated(async ({ entry, payload, event }) => {
      if (entry.context?.tenant === 'acme') await acme.dispatch(payload as never, event)
    })
    await routed.entryCreated({ id: 'e_2', action: 'x', context: { tenant: 'acme' } })
    await routed.entryCreated({ id: 'e_3', action: 'x', context: { tenant: 'other' } })
    await Promise.all([dispatcher.drained(), acme.drained()])
    expect(main.received.map((r) => JSON.parse(String(r.body)).data.id)).toEqual(['e_1'])
    expect(acmeServer.received.map((r) => JSON.parse(String(r.body)).data.id)).toEqual(['e_2'])
  })

  it('custom dispatcher → topic ledgerly.<event>', async () => {
    const sent: { topic: string; value: string }[] = []
    interface KafkaProducer {
      send(record: { topic: string; messages: { value: string }[] }): Promise<void>
    }
    const producer: KafkaProducer = {
      async send(record) {
        sent.push({ topic: record.topic, value: record.messages[0]!.value })
      },
    }
    function createKafkaDispatcher({ producer }: { producer: KafkaProducer }): WebhookDispatcher {
      return {
        async dispatch(payload, event) {
          await producer.send({ topic: `ledgerly.${event}`, messages: [{ value: JSON.stringify(payload) }] })
        },
      }
    }
    await createKafkaDispatcher({ producer }).dispatch(
      { event: 'entry_persisted', data: {} },
      'entry_persisted',
    )
    expect(sent).toEqual([
      { topic: 'ledgerly.entry_persisted', value: '{"event":"entry_persisted","data":{}}' },
    ])
  })

  it('graceful close → pending retries reported, nothing sent after', async () => {
    const { url, received } = await receiver(503)
    const dispatcher = createSignedDispatcher({ url, secret, queue: memoryQueue({ concurrency: 200 }) })
    const retried = new Promise((resolve) => dispatcher.on('retry', resolve))
    await dispatcher.dispatch({ event: 'entry_persisted', data: { id: '1' } }, 'entry_persisted')
    await retried
    const { pending, interrupted } = await dispatcher.close({ timeoutMs: 10_000 })
    expect(pending.map((job) => job.attempt)).toEqual([2])
    expect(interrupted).toEqual([])
    expect(received).toHaveLength(1)
  })
})
