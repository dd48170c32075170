import { randomUUID } from 'node:crypto'
import { ledgerEntryExportV1 } from '../../events/ledger-entry-export.js'
import { bodyText, eventOption } from '../../payload.js'
import { memoryQueue } from '../../queues/memory-queue.js'
import { DEFAULT_RETRY } from '../../retry.js'
import { createSignedDispatcher } from '../../signed-dispatcher.js'
import {
  backoffFlag,
  checked,
  flags,
  integerFlag,
  numberFlag,
  readFileFlag,
  secretFlag,
  UsageError,
} from '../args.js'

function sampleBody(event: string, index: number): Record<string, unknown> {
  const data = ledgerEntryExportV1.export({
    id: `entry_${randomUUID()}`,
    action: 'invoice.updated',
    actor: { type: 'user', id: 42, name: 'Ada' },
    target: { type: 'invoice', id: `INV-${1000 + index}` },
    diff: { status: ['draft', 'sent'] },
    metadata: { source: 'ledgerly-webhooks send' },
    context: { tenant: 'demo' },
  })
  return { event, data }
}

/**
 * `ledgerly-webhooks send --url URL --secret S …`: dispatches sample events (or `--file`), prints every
 * attempt, and exits 1 if any delivery failed permanently.
 */
export async function sendCommand(argv: string[]): Promise<number> {
  const values = flags(argv, {
    url: { type: 'string' },
    secret: { type: 'string', multiple: true },
    event: { type: 'string', default: 'entry_persisted' },
    count: { type: 'string' },
    tries: { type: 'string' },
    backoff: { type: 'string' },
    timeout: { type: 'string' },
    file: { type: 'string' },
    legacy: { type: 'boolean', default: false },
  })
  if (!values.url) throw new UsageError('--url is required')
  const secret = secretFlag(values.secret)
  const count = integerFlag(values.count, 1, 'count', 1)
  const policy = {
    tries: integerFlag(values.tries, DEFAULT_RETRY.tries, 'tries', 1),
    backoff: backoffFlag(values.backoff, DEFAULT_RETRY.backoff),
  }
  checked(() => eventOption(values.event))
  // Bytes, not text: invalid UTF-8 is refused here instead of being replaced before it is signed.
  const fileBody = values.file ? await readFileFlag(values.file, 'file') : undefined
  if (fileBody) checked(() => bodyText(fileBody))
  let dispatcher: ReturnType<typeof createSignedDispatcher>
  try {
    dispatcher = createSignedDispatcher({
      url: values.url,
      secret,
      format: values.legacy ? 'legacy' : 'compound',
      defaultRetry: policy,
      timeout: numberFlag(values.timeout, 30, 'timeout', 0.001),
      queue: memoryQueue({ concurrency: 50 }),
    })
  } catch (error) {
    throw new UsageError((error as Error).message)
  }

  const say = (text: string) => process.stdout.write(`${text}\n`)
  const failures: string[] = []
  dispatcher.on('success', ({ delivery, attempt }) =>
    say(
      `${delivery.deliveryId} attempt ${attempt.attempt}: delivered (HTTP ${attempt.status}, ${Math.round(attempt.durationMs)} ms)`,
    ),
  )
  dispatcher.on('retry', ({ delivery, attempt }) =>
    say(
      `${delivery.deliveryId} attempt ${attempt.attempt}: ${attempt.error?.code} ${attempt.error?.message}; retry in ${attempt.retryInMs! / 1000} s`,
    ),
  )
  dispatcher.on('failure', ({ delivery, attempt }) => {
    failures.push(attempt.error?.code ?? 'UNKNOWN')
    say(
      `${delivery.deliveryId} attempt ${attempt.attempt}: FAILED permanently ${attempt.error?.code} ${attempt.error?.message}`,
    )
  })

  for (let index = 0; index < count; index++) {
    await dispatcher.dispatch(fileBody ?? sampleBody(values.event, index), values.event)
  }
  await dispatcher.drained()
  await dispatcher.close()
  say(`${count - failures.length} delivered, ${failures.length} failed permanently`)
  if (failures.length > 0) {
    process.stderr.write(
      `error: ${failures.length} delivery(ies) failed permanently: ${[...new Set(failures)].join(', ')}\n`,
    )
    return 1
  }
  return 0
}
