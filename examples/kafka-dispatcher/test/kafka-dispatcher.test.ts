import { createLedgerEvents } from '@ledgerly/webhooks-dispatcher'
import { describe, expect, it } from 'vitest'
import { createKafkaDispatcher, type KafkaProducer } from '../src/kafka-dispatcher.js'

/** An in-memory broker with kafkajs's `send` shape (no Kafka broker can run on this machine). */
function memoryBroker() {
  const topics = new Map<string, { key?: string; value: string; headers?: Record<string, string> }[]>()
  const producer: KafkaProducer = {
    async send({ topic, messages }) {
      topics.set(topic, [...(topics.get(topic) ?? []), ...messages])
      return [{ topicName: topic, partition: 0, errorCode: 0 }]
    },
  }
  return { topics, producer }
}

describe('KafkaWebhookDispatcher example', () => {
  it('entry created → one message on ledgerly.entry_persisted, keyed by entry id, exact JSON', async () => {
    const broker = memoryBroker()
    const ledger = createLedgerEvents({ dispatcher: createKafkaDispatcher({ producer: broker.producer }) })
    await ledger.entryCreated({ id: 'e_1', action: 'invoice.paid', created_at: '2026-01-01T00:00:00.000Z' })
    const messages = broker.topics.get('ledgerly.entry_persisted')!
    expect(messages).toHaveLength(1)
    expect(messages[0]!.key).toBe('e_1')
    expect(messages[0]!.headers).toEqual({ 'ledgerly-event': 'entry_persisted' })
    expect(JSON.parse(messages[0]!.value)).toMatchObject({
      event: 'entry_persisted',
      data: { id: 'e_1', action: 'invoice.paid' },
    })
  })

  it('custom prefix and event → topic "<prefix>.<event>"', async () => {
    const broker = memoryBroker()
    const dispatcher = createKafkaDispatcher({ producer: broker.producer, topicPrefix: 'audit' })
    await dispatcher.dispatch('{"raw":true}', 'export_done')
    expect([...broker.topics.keys()]).toEqual(['audit.export_done'])
    expect(broker.topics.get('audit.export_done')![0]).toEqual({
      value: '{"raw":true}',
      headers: { 'ledgerly-event': 'export_done' },
    })
  })

  it('producer rejects → dispatch rejects (the caller sees the outage)', async () => {
    const dispatcher = createKafkaDispatcher({
      producer: {
        send: async () => {
          throw new Error('KafkaJSConnectionError: broker down')
        },
      },
    })
    await expect(dispatcher.dispatch({ event: 'x', data: {} }, 'x')).rejects.toThrow('broker down')
  })

  it.each([
    ['no producer', {}],
    ['bad prefix', { producer: { send: async () => {} }, topicPrefix: 'a b' }],
  ])('%s → TypeError', (_name, options) => {
    expect(() => createKafkaDispatcher(options as never)).toThrow(TypeError)
  })

  it('event with a space → TypeError, nothing published', async () => {
    const broker = memoryBroker()
    const dispatcher = createKafkaDispatcher({ producer: broker.producer })
    await expect(dispatcher.dispatch({}, 'bad event')).rejects.toThrow(TypeError)
    expect(broker.topics.size).toBe(0)
  })
})
