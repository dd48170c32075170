import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, expect, it } from 'vitest'
import { createSignedDispatcher } from '../src/index.js'
import { bullmqQueue } from '../src/queues/bullmq/index.js'
import { startCli } from './helpers/cli.js'
import { startRedis } from './helpers/redis.js'
import { entryPayload, startServer, statuses } from './helpers/server.js'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

// BullMQ's commands wait for a reconnection forever; a worker told to stop (SIGTERM) must still stop.
it('close({ timeoutMs: 500 }) with Redis gone → settles within seconds, pending reported as unknown', {
  timeout: 30_000,
}, async () => {
  const redis = await startRedis()
  cleanups.push(() => redis.stop())
  const server = await startServer(statuses(200))
  cleanups.push(server.close)
  const dispatcher = createSignedDispatcher({
    url: server.url,
    secret: 'close-unreachable-secret',
    queue: bullmqQueue({ connection: redis.url, queueName: `close-gone-${process.pid}` }),
  })
  await dispatcher.dispatch(entryPayload(), 'entry_persisted')
  await dispatcher.drained()
  await redis.stop()

  const started = Date.now()
  const report = await Promise.race([
    dispatcher.close({ timeoutMs: 500 }),
    new Promise<'still closing'>((resolve) => setTimeout(() => resolve('still closing'), 10_000)),
  ])
  expect(report).toEqual({ pending: [], interrupted: [], pendingUnknown: true })
  expect(Date.now() - started).toBeLessThan(5_000)
})

// A worker whose Redis never answered (wrong URL, Redis down at boot) had clients that close() could not cut:
// it printed its report and then never exited, its reconnection timers keeping the process alive.
it('the CLI worker, SIGTERM with Redis unreachable from the start → reports, and the process exits', {
  timeout: 60_000,
}, async () => {
  const server = await startServer(statuses(200))
  cleanups.push(server.close)
  const worker = startCli(
    [
      'worker',
      '--redis',
      'redis://127.0.0.1:9',
      '--url',
      server.url,
      '--secret',
      'cli-gone-secret',
      '--timeout',
      '1',
    ],
    /consuming queue/,
  )
  await worker.started
  const exited = await Promise.race([
    worker.stop().then(() => 'exited'),
    new Promise((resolve) => setTimeout(() => resolve('still running'), 45_000)),
  ])
  expect(exited).toBe('exited')
  expect(worker.output()).toMatch(/worker stopped: jobs left in Redis unknown \(Redis unreachable\)/)
})

it('close() of a queue whose Redis never answered → reports unknown, and nothing keeps the process alive', {
  timeout: 60_000,
}, async () => {
  const script = fileURLToPath(new URL('./fixtures/close-never-connected.mjs', import.meta.url))
  const child = spawn(process.execPath, [script])
  let stdout = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  // Clients that never connected used to keep reconnecting after close(): the process never exited.
  const exited = await Promise.race([
    new Promise((resolve) => child.once('exit', (code) => resolve(`exit ${code}`))),
    new Promise((resolve) => setTimeout(() => resolve('still running'), 40_000)),
  ])
  child.kill('SIGKILL')
  expect(exited).toBe('exit 0')
  expect(JSON.parse(stdout)).toEqual({ pending: [], interrupted: [], pendingUnknown: true })
})
