import { createSigner } from '@ledgerly/webhooks'
import { resolveOptions, type SignedDispatcherOptions } from '../../options.js'
import type { BullmqQueueOptions } from '../../queues/bullmq/index.js'
import { createSignedDispatcher } from '../../signed-dispatcher.js'
import { backoffFlag, flags, integerFlag, legacySecret, numberFlag, secretFlag } from '../args.js'
import { type Command, secretSpec } from '../command.js'
import { DELIVERY_FLAGS } from '../delivery-flags.js'
import { checked } from '../library-messages.js'
import { attemptReason } from '../response-reason.js'

/** The defaults of `bullmqQueue` and of the dispatcher, passed explicitly so that help shows them. */
const FLAGS = {
  redis: {
    type: 'string',
    value: 'URL',
    help: 'redis://[user:pass@]host[:port][/db], rediss:// for TLS',
    required: true,
  },
  url: { type: 'string', value: 'URL', help: 'the endpoint to deliver to (http or https)', required: true },
  secret: secretSpec(true),
  queue: { type: 'string', value: 'NAME', help: 'BullMQ queue to consume', default: 'ledgerly-webhooks' },
  concurrency: { type: 'string', value: 'N', help: 'attempts in flight at once', default: '100' },
  tries: DELIVERY_FLAGS.tries,
  backoff: DELIVERY_FLAGS.backoff,
  'backoff-scale': { type: 'string', value: 'X', help: 'multiplies every backoff wait', default: '1' },
  timeout: DELIVERY_FLAGS.timeout,
  'stalled-interval': {
    type: 'string',
    value: 'MS',
    help: 'how often stalled jobs (of a dead worker) are checked',
    default: '30000',
  },
  'lock-duration': {
    type: 'string',
    value: 'MS',
    help: 'how long a job is locked to this worker between renewals; raised to at least --timeout + 2 s',
    default: '30000',
  },
  legacy: DELIVERY_FLAGS.legacy,
  quiet: { type: 'boolean', help: 'print only the start and stop lines, not each attempt' },
} as const

/**
 * `ledgerly-webhooks worker --redis URL --url ENDPOINT --secret S`: a BullMQ worker process. Producers in
 * other processes enqueue with `createSignedDispatcher({ …, queue: bullmqQueue(…), work: false })`.
 * SIGTERM/SIGINT close it gracefully: running attempts finish, queued ones stay in Redis.
 */
async function workerCommand(argv: string[]): Promise<number> {
  const values = flags(argv, FLAGS)
  const secret = secretFlag(values.secret)
  legacySecret(secret, values.legacy)
  // Every flag is checked before the queue opens its Redis connections: a usage error must exit (2), not
  // leave a process that an open connection keeps alive.
  const queueOptions: BullmqQueueOptions = {
    connection: values.redis,
    queueName: values.queue,
    concurrency: integerFlag(values.concurrency, 'concurrency', 1),
    stalledInterval: integerFlag(values['stalled-interval'], 'stalled-interval', 1),
    lockDuration: integerFlag(values['lock-duration'], 'lock-duration', 1),
  }
  const dispatcherOptions: Omit<SignedDispatcherOptions, 'queue'> = {
    url: values.url,
    secret,
    format: values.legacy ? 'legacy' : 'compound',
    defaultRetry: { tries: integerFlag(values.tries, 'tries', 1), backoff: backoffFlag(values.backoff) },
    backoffScale: numberFlag(values['backoff-scale'], 'backoff-scale', 0),
    timeout: numberFlag(values.timeout, 'timeout', 0.001),
    logLimit: 0,
  }
  checked(() => resolveOptions(dispatcherOptions))
  checked(() => createSigner({ secret, format: dispatcherOptions.format }))
  let bullmq: typeof import('../../queues/bullmq/index.js')
  try {
    bullmq = await import('../../queues/bullmq/index.js')
  } catch (error) {
    // Only a missing package is the user's to fix; a module of ours that fails to load is a bug.
    // The message names the package that could not be found: only bullmq (or ioredis) is the user's.
    const missing = (error as { code?: unknown; message?: unknown }).code === 'ERR_MODULE_NOT_FOUND'
    if (!missing || !/'(bullmq|ioredis)'/.test(String((error as Error).message))) throw error
    process.stderr.write('error: the worker needs the "bullmq" package: npm install bullmq\n')
    return 1
  }
  // Its own options are checked before it connects.
  const queue = checked(() => bullmq.bullmqQueue(queueOptions))
  const dispatcher = createSignedDispatcher({ ...dispatcherOptions, queue })
  // With --quiet nothing listens, so no line is formatted per delivery.
  if (!values.quiet) {
    const say = (text: string) => process.stdout.write(`${text}\n`)
    dispatcher.on('success', ({ delivery, attempt }) =>
      say(`${delivery.deliveryId} attempt ${attempt.attempt}: delivered (HTTP ${attempt.status})`),
    )
    const secrets = typeof secret === 'string' ? [secret] : secret
    dispatcher.on('retry', ({ delivery, attempt }) =>
      say(
        `${delivery.deliveryId} attempt ${attempt.attempt}: ${attemptReason(attempt, secrets)}; retry in ${attempt.retryInMs! / 1000} s`,
      ),
    )
    dispatcher.on('failure', ({ delivery, attempt }) =>
      say(
        `${delivery.deliveryId} attempt ${attempt.attempt}: FAILED permanently ${attemptReason(attempt, secrets)}`,
      ),
    )
  }
  // The signal handlers go in before the ready line: a supervisor may send SIGTERM as soon as it reads it
  // (stdout to a pipe is written synchronously), and a signal without a handler kills the process at once.
  const stopAsked = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve())
    process.once('SIGTERM', () => resolve())
  })
  process.stdout.write(`worker ${process.pid} consuming queue "${values.queue}" for ${values.url}\n`)
  await stopAsked
  // Running attempts end within the HTTP timeout: waiting longer for them would only delay the exit.
  const timeoutMs = Math.round((dispatcherOptions.timeout ?? 30) * 1000) + 2_000
  const { pending, interrupted, pendingUnknown } = await dispatcher.close({ timeoutMs })
  const left = pendingUnknown
    ? 'jobs left in Redis unknown (Redis unreachable)'
    : `${pending.length} job(s) left in Redis`
  process.stdout.write(`worker stopped: ${left}, ${interrupted.length} interrupted\n`)
  // Everything is closed and reported. A worker stopped right after it started, with Redis unreachable, was
  // seen to stay alive ~30 s after this point (the handle was not identified): exit now, as told.
  process.exit(0)
}

export const worker: Command = {
  name: 'worker',
  summary: 'a BullMQ worker delivering queued attempts (needs bullmq)',
  usage: 'worker --redis URL --url URL [flags]',
  description: [
    'Consumes a BullMQ queue on Redis and delivers its attempts to --url (install "bullmq" first).',
    'Producers in other processes enqueue with createSignedDispatcher({ queue: bullmqQueue(…), work: false }).',
    'SIGTERM or Ctrl-C stops it gracefully: running attempts get up to --timeout + 2 s, queued ones stay',
    'in Redis. Every flag is checked before it connects.',
  ].join('\n'),
  flags: FLAGS,
  examples: [
    'ledgerly-webhooks worker --redis redis://127.0.0.1:6379 --url https://example.com/webhooks',
    'ledgerly-webhooks worker --redis rediss://redis.internal:6380/2 --url https://example.com/webhooks --concurrency 200 --quiet',
  ],
  exits: '0 stopped by SIGTERM or Ctrl-C, 1 bullmq is not installed, 2 usage error.',
  run: workerCommand,
}
