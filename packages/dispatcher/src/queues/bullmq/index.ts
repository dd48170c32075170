/**
 * `@ledgerly/webhooks-dispatcher/bullmq`: a durable, multi-process queue driver on Redis through BullMQ
 * (an optional peer dependency: `npm install bullmq`).
 *
 * @module
 */

export type { BullmqQueueOptions } from './bullmq-queue.js'
export { bullmqQueue } from './bullmq-queue.js'
export type { RedisConnection } from './connection.js'
