import type { WebhookDispatcher, WebhookPayload } from '@ledgerly/webhooks-dispatcher'

/**
 * The slice of a Kafka producer this dispatcher needs. It is the shape of kafkajs's `Producer.send`, so a
 * connected kafkajs producer can be passed as is; any other client fits behind a three-line adapter.
 */
export interface KafkaProducer {
  send(record: {
    topic: string
    messages: { key?: string; value: string; headers?: Record<string, string> }[]
  }): Promise<unknown>
}

/** Options of {@link createKafkaDispatcher}. */
export interface KafkaDispatcherOptions {
  producer: KafkaProducer
  /** Topic prefix; the topic is `${prefix}.${event}`. Default `'ledgerly'`, as in Ledgerly's PHP dispatcher. */
  topicPrefix?: string
}

/** Partition key: the entry id when there is one, so every message about one entry keeps its order. */
function messageKey(payload: WebhookPayload): string | undefined {
  if (typeof payload !== 'object' || payload instanceof Uint8Array) return undefined
  const data = (payload as { data?: { id?: unknown } }).data
  return typeof data?.id === 'string' || typeof data?.id === 'number' ? String(data.id) : undefined
}

/**
 * Ledgerly's PHP `KafkaWebhookDispatcher`, in TypeScript: publish `json_encode($payload)` to
 * `ledgerly.<event>`. Kafka gives durability and ordering per key, so there is no signing and no HTTP
 * retry here; the consumer side owns processing.
 *
 * @example
 * ```ts
 * import { Kafka } from 'kafkajs'
 * import { createLedgerEvents } from '@ledgerly/webhooks-dispatcher'
 * import { createKafkaDispatcher } from './kafka-dispatcher.js'
 *
 * const producer = new Kafka({ brokers: ['localhost:9092'] }).producer()
 * await producer.connect()
 * const ledger = createLedgerEvents({ dispatcher: createKafkaDispatcher({ producer }) })
 * await ledger.entryCreated({ id: 'e_1', action: 'invoice.paid' })
 * ```
 */
export function createKafkaDispatcher(options: KafkaDispatcherOptions): WebhookDispatcher {
  if (typeof options?.producer?.send !== 'function') {
    throw new TypeError('createKafkaDispatcher: "producer" must have a send({ topic, messages }) method')
  }
  const prefix = options.topicPrefix ?? 'ledgerly'
  if (!/^[A-Za-z0-9._-]+$/.test(prefix)) {
    throw new TypeError('createKafkaDispatcher: "topicPrefix" may use letters, digits, ".", "_" and "-" only')
  }
  const { producer } = options

  return {
    async dispatch(payload, event) {
      if (!/^[A-Za-z0-9._-]{1,200}$/.test(event)) {
        throw new TypeError(`KafkaDispatcher: event "${event}" is not a valid topic suffix`)
      }
      const value =
        typeof payload === 'string'
          ? payload
          : payload instanceof Uint8Array
            ? new TextDecoder().decode(payload)
            : JSON.stringify(payload)
      const key = messageKey(payload)
      await producer.send({
        topic: `${prefix}.${event}`,
        messages: [{ ...(key === undefined ? {} : { key }), value, headers: { 'ledgerly-event': event } }],
      })
    },
  }
}
