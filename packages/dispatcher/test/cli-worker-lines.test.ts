import { afterEach, expect, it } from 'vitest'
import { createSignedDispatcher } from '../src/index.js'
import { bullmqQueue } from '../src/queues/bullmq/index.js'
import { startCli } from './helpers/cli.js'
import { startRedis } from './helpers/redis.js'
import { entryPayload, startServer } from './helpers/server.js'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const secret = 'cli-worker-lines-secret'
const problem = JSON.stringify({
  type: 'x',
  title: 'Webhook signature mismatch',
  status: 401,
  code: 'SIGNATURE_MISMATCH',
})

// `worker` prints the same attempt lines as `send`: the receiver's reason too, never the secret.
it('worker, a producer enqueues, the receiver answers 503 then 401 problem+json → retry and FAILED lines say why', {
  timeout: 60_000,
}, async () => {
  const redis = await startRedis()
  cleanups.push(() => redis.stop())
  const server = await startServer((index, _request, response) => {
    if (index === 0) response.writeHead(503, { 'content-type': 'text/plain' }).end(`busy, ${secret}`)
    else response.writeHead(401, { 'content-type': 'application/problem+json' }).end(problem)
  })
  cleanups.push(server.close)
  const queueName = `worker-lines-${process.pid}`
  const args = ['worker', '--redis', redis.url, '--queue', queueName, '--url', server.url, '--secret', secret]
  const worker = startCli([...args, '--tries', '2', '--backoff', '0', '--timeout', '2'], /consuming queue/)
  cleanups.push(() => worker.kill())
  await worker.started

  const producer = createSignedDispatcher({
    url: server.url,
    secret,
    queue: bullmqQueue({ connection: redis.url, queueName }),
    work: false,
  })
  cleanups.push(() => producer.close())
  await producer.dispatch(entryPayload(), 'entry_persisted', { deliveryId: 'dlv_worker_lines' })

  const deadline = Date.now() + 20_000
  while (!/FAILED/.test(worker.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
  const output = worker.output()
  expect(output).toMatch(
    /dlv_worker_lines attempt 1: SERVER_ERROR HTTP 503 \(receiver: "busy, \[secret\]"\); retry in/,
  )
  expect(output).toMatch(
    /dlv_worker_lines attempt 2: FAILED permanently CLIENT_ERROR HTTP 401 \(receiver: SIGNATURE_MISMATCH\)\n/,
  )
  expect(output).not.toContain(secret)
})
