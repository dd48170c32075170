import { describe, expect, it } from 'vitest'
import { connectionOptions } from '../src/queues/bullmq/connection.js'
import { bullmqQueue } from '../src/queues/bullmq/index.js'

describe('bullmqQueue options', () => {
  it.each([
    ['no options', undefined, TypeError],
    ['connection null', { connection: null }, TypeError],
    ['http URL', { connection: 'http://127.0.0.1:6379' }, TypeError],
    ['not a URL', { connection: 'redis server' }, TypeError],
    ['database not a number', { connection: 'redis://127.0.0.1:6379/abc' }, TypeError],
    ['password with a bad %-escape', { connection: 'redis://u:p%zz@127.0.0.1:1' }, TypeError],
    ['queue name with a colon', { connection: 'redis://127.0.0.1:1', queueName: 'a:b' }, TypeError],
    ['concurrency 0', { connection: 'redis://127.0.0.1:1', concurrency: 0 }, RangeError],
    ['stalledInterval 1.5', { connection: 'redis://127.0.0.1:1', stalledInterval: 1.5 }, RangeError],
    ['batchSize 0', { connection: 'redis://127.0.0.1:1', batchSize: 0 }, RangeError],
    ['batchWaitMs -1', { connection: 'redis://127.0.0.1:1', batchWaitMs: -1 }, RangeError],
    ['dedupeSeconds 0.5', { connection: 'redis://127.0.0.1:1', dedupeSeconds: 0.5 }, RangeError],
    ['stalledInterval 2^31', { connection: 'redis://127.0.0.1:1', stalledInterval: 2 ** 31 }, RangeError],
    ['lockDuration 2^31', { connection: 'redis://127.0.0.1:1', lockDuration: 2 ** 31 }, RangeError],
    ['pollInterval 2^31', { connection: 'redis://127.0.0.1:1', pollInterval: 2 ** 31 }, RangeError],
    ['batchWaitMs 2^31', { connection: 'redis://127.0.0.1:1', batchWaitMs: 2 ** 31 }, RangeError],
  ])('%s → %s, before any connection', (_name, options, ErrorClass) => {
    expect(() => bullmqQueue(options as never)).toThrow(ErrorClass)
  })

  it.each([
    ['redis://127.0.0.1:6380/2', false, { host: '127.0.0.1', port: 6380, db: 2 }],
    ['redis://localhost', false, { host: 'localhost', port: 6379, db: 0 }],
    [
      'rediss://user:p%40ss@cache.internal:6390',
      true,
      {
        host: 'cache.internal',
        port: 6390,
        db: 0,
        username: 'user',
        password: 'p@ss',
        tls: {},
        maxRetriesPerRequest: null,
      },
    ],
    ['redis://[::1]:6391', false, { host: '::1', port: 6391, db: 0 }],
  ])('URL %s (worker %s) → ioredis options', (url, forWorker, expected) => {
    expect(connectionOptions(url, forWorker)).toEqual(expected)
  })

  it('options object for a worker → maxRetriesPerRequest forced to null, input untouched', () => {
    const input = { host: 'h', port: 1, maxRetriesPerRequest: 3 }
    expect(connectionOptions(input, true)).toEqual({ host: 'h', port: 1, maxRetriesPerRequest: null })
    expect(input.maxRetriesPerRequest).toBe(3)
  })
})
