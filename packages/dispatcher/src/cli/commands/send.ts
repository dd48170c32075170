import { randomUUID } from 'node:crypto'
import { ledgerEntryExportV1 } from '../../events/ledger-entry-export.js'
import { bodyText, eventOption } from '../../payload.js'
import { memoryQueue } from '../../queues/memory-queue.js'
import { createSignedDispatcher } from '../../signed-dispatcher.js'
import type { AttemptRecord } from '../../types.js'
import {
  backoffFlag,
  flags,
  integerFlag,
  legacySecret,
  numberFlag,
  readFileFlag,
  secretFlag,
} from '../args.js'
import { type Command, secretSpec } from '../command.js'
import { DELIVERY_FLAGS } from '../delivery-flags.js'
import { checked } from '../library-messages.js'
import { attemptReason } from '../response-reason.js'

const FLAGS = {
  url: { type: 'string', value: 'URL', help: 'the endpoint to deliver to (http or https)', required: true },
  secret: secretSpec(true),
  event: { type: 'string', value: 'NAME', help: 'event name of each delivery', default: 'entry_persisted' },
  count: { type: 'string', value: 'N', help: 'how many sample entries to send', default: '1' },
  file: { type: 'string', value: 'PATH', help: "send this file's exact bytes instead of a sample entry" },
  ...DELIVERY_FLAGS,
} as const

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
async function sendCommand(argv: string[]): Promise<number> {
  const values = flags(argv, FLAGS)
  const secret = secretFlag(values.secret)
  legacySecret(secret, values.legacy)
  const count = integerFlag(values.count, 'count', 1)
  const policy = { tries: integerFlag(values.tries, 'tries', 1), backoff: backoffFlag(values.backoff) }
  const timeout = numberFlag(values.timeout, 'timeout', 0.001)
  checked(() => eventOption(values.event))
  // Bytes, not text: invalid UTF-8 is refused here instead of being replaced before it is signed.
  const fileBody = values.file ? await readFileFlag(values.file, 'file') : undefined
  if (fileBody) checked(() => bodyText(fileBody))
  // Our own constant: outside `checked`, since a failure here would be a bug, not the user's input.
  const queue = memoryQueue({ concurrency: 50 })
  const dispatcher = checked(() =>
    createSignedDispatcher({
      url: values.url,
      secret,
      format: values.legacy ? 'legacy' : 'compound',
      defaultRetry: policy,
      timeout,
      queue,
    }),
  )

  const say = (text: string) => process.stdout.write(`${text}\n`)
  const secrets = typeof secret === 'string' ? [secret] : secret
  const why = (attempt: AttemptRecord) => attemptReason(attempt, secrets)
  const failures: string[] = []
  dispatcher.on('success', ({ delivery, attempt }) =>
    say(
      `${delivery.deliveryId} attempt ${attempt.attempt}: delivered (HTTP ${attempt.status}, ${Math.round(attempt.durationMs)} ms)`,
    ),
  )
  dispatcher.on('retry', ({ delivery, attempt }) =>
    say(
      `${delivery.deliveryId} attempt ${attempt.attempt}: ${why(attempt)}; retry in ${attempt.retryInMs! / 1000} s`,
    ),
  )
  dispatcher.on('failure', ({ delivery, attempt }) => {
    failures.push(attempt.error?.code ?? 'UNKNOWN')
    say(`${delivery.deliveryId} attempt ${attempt.attempt}: FAILED permanently ${why(attempt)}`)
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

export const send: Command = {
  name: 'send',
  summary: 'deliver events with retries; exit 1 on permanent failure',
  usage: 'send --url URL [flags]',
  description: [
    'Signs and delivers --count sample entry_persisted entries (or the bytes of --file) to --url, with',
    'retries, printing every attempt. --backoff is in seconds, decimals allowed: 0.05,0.1 for a quick test.',
  ].join('\n'),
  flags: FLAGS,
  examples: [
    'ledgerly-webhooks send --url http://127.0.0.1:3000/ --count 3',
    'ledgerly-webhooks send --url https://example.com/webhooks --file body.json --tries 5 --backoff 1,5,30',
  ],
  exits: '0 all delivered, 1 a delivery failed permanently, 2 usage error.',
  run: sendCommand,
}
