import { createSigner } from '@ledgerly/webhooks'
import { resolveOptions, type SignedDispatcherOptions } from '../../options.js'
import type { BullmqQueueOptions } from '../../queues/bullmq/index.js'
import { DEFAULT_RETRY } from '../../retry.js'
import { createSignedDispatcher } from '../../signed-dispatcher.js'
import { backoffFlag, flags, integerFlag, numberFlag, secretFlag, UsageError } from '../args.js'

/**
 * `ledgerly-webhooks worker --redis URL --url ENDPOINT --secret S`: a BullMQ worker process. Producers in
 * other processes enqueue with `createSignedDispatcher({ …, queue: bullmqQueue(…), work: false })`.
 * SIGTERM/SIGINT close it gracefully: running attempts finish, queued ones stay in Redis.
 */
export async function workerCommand(argv: string[]): Promise<number> {
  const values = flags(argv, {
    redis: { type: 'string' },
    url: { type: 'string' },
    secret: { type: 'string', multiple: true },
    queue: { type: 'string', default: 'ledgerly-webhooks' },
    concurrency: { type: 'string' },
    tries: { type: 'string' },
    backoff: { type: 'string' },
    'backoff-scale': { type: 'string' },
    timeout: { type: 'string' },
    'stalled-interval': { type: 'string' },
    'lock-duration': { type: 'string' },
    legacy: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
  })
  if (!values.redis || !values.url) throw new UsageError('--redis and --url are required')
  const secret = secretFlag(values.secret)
  let bullmq: typeof import('../../queues/bullmq/index.js')
  try {
    bullmq = await import('../../queues/bullmq/index.js')
  } catch {
    process.stderr.write('error: the worker needs the "bullmq" package: npm install bullmq\n')
    return 1
  }
  // Every flag is checked before the queue opens its Redis connections: a usage error must exit (2), not
  // leave a process that an open connection keeps alive.
  let dispatcherOptions: Omit<SignedDispatcherOptions, 'queue'>
  let queueOptions: BullmqQueueOptions
  try {
    queueOptions = {
      connection: values.redis,
      queueName: values.queue,
      concurrency: integerFlag(values.concurrency, 100, 'concurrency', 1),
      stalledInterval: integerFlag(values['stalled-interval'], 30_000, 'stalled-interval', 1),
      lockDuration: integerFlag(values['lock-duration'], 30_000, 'lock-duration', 1),
    }
    dispatcherOptions = {
      url: values.url,
      secret,
      format: values.legacy ? 'legacy' : 'compound',
      defaultRetry: {
        tries: integerFlag(values.tries, DEFAULT_RETRY.tries, 'tries', 1),
        backoff: backoffFlag(values.backoff, DEFAULT_RETRY.backoff),
      },
      backoffScale: numberFlag(values['backoff-scale'], 1, 'backoff-scale', 0),
      timeout: numberFlag(values.timeout, 30, 'timeout', 0.001),
      logLimit: 0,
    }
    resolveOptions(dispatcherOptions)
    createSigner({ secret, format: dispatcherOptions.format })
  } catch (error) {
    if (error instanceof UsageError) throw error
    throw new UsageError((error as Error).message)
  }
  let queue: ReturnType<typeof bullmq.bullmqQueue>
  try {
    // Its own options are checked before it connects.
    queue = bullmq.bullmqQueue(queueOptions)
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  const dispatcher = createSignedDispatcher({ ...dispatcherOptions, queue })
  // With --quiet nothing listens, so no line is formatted per delivery.
  if (!values.quiet) {
    const say = (text: string) => process.stdout.write(`${text}\n`)
    dispatcher.on('success', ({ delivery, attempt }) =>
      say(`${delivery.deliveryId} attempt ${attempt.attempt}: delivered (HTTP ${attempt.status})`),
    )
    dispatcher.on('retry', ({ delivery, attempt }) =>
      say(
        `${delivery.deliveryId} attempt ${attempt.attempt}: ${attempt.error?.code}; retry in ${attempt.retryInMs! / 1000} s`,
      ),
    )
    dispatcher.on('failure', ({ delivery, attempt }) =>
      say(`${delivery.deliveryId} attempt ${attempt.attempt}: FAILED permanently ${attempt.error?.code}`),
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
