import { UsageError } from './errors.js'

/** The library option each CLI flag becomes: a message about `"connection"` is about `--redis`. */
const FLAG_OF_OPTION: Readonly<Record<string, string>> = {
  secret: 'secret',
  url: 'url',
  timeout: 'timeout',
  tolerance: 'tolerance',
  timestamp: 'timestamp',
  event: 'event',
  connection: 'redis',
  queueName: 'queue',
  concurrency: 'concurrency',
  stalledInterval: 'stalled-interval',
  lockDuration: 'lock-duration',
  backoffScale: 'backoff-scale',
  'defaultRetry.tries': 'tries',
  'defaultRetry.backoff': 'backoff',
}

/** Library sentences that name no option, or suggest an option the CLI does not have. */
const SENTENCES: readonly (readonly [RegExp, string])[] = [
  [/"url" must not carry credentials.*/, '--url must not carry credentials (user:password@)'],
  [/the legacy format takes exactly one .*secret.*/, '--legacy signs with exactly one secret'],
  [
    /the database in the Redis URL must be a number/,
    '--redis: the database (after the port) must be a number',
  ],
  [
    /the (user name|password) in the Redis URL has a bad %-escape/,
    '--redis: the $1 in the Redis URL has a bad %-escape',
  ],
  [/a byte payload must be valid UTF-8/, '--file must be valid UTF-8 (the body travels as text)'],
]

/** `"secret[1]"` → `--secret #2`; an option the CLI has no flag for stays as it is. */
function flagName(quoted: string, option: string, index: string | undefined): string {
  const flag = FLAG_OF_OPTION[option]
  if (flag === undefined) return quoted
  return index === undefined ? `--${flag}` : `--${flag} #${Number(index) + 1}`
}

/**
 * Rewrites a library validation message in the CLI's words: `createSignedDispatcher: "url" must use http
 * or https` becomes `--url must use http or https`. The library's function name is dropped either way.
 */
export function inFlagTerms(message: string): string {
  const sentence = message.replace(/^[A-Za-z]+: /, '')
  for (const [pattern, replacement] of SENTENCES) {
    if (pattern.test(sentence)) return sentence.replace(pattern, replacement)
  }
  return sentence.replace(/"([A-Za-z.]+)(?:\[(\d+)\])?"/g, flagName)
}

/**
 * Runs a library call on flag values (building a signer, a verifier or a dispatcher): a `TypeError` or
 * `RangeError` it throws is about the user's input, so it becomes a usage error in flag terms (exit 2).
 * Anything else is ours, and goes on with its stack.
 */
export function checked<T>(check: () => T): T {
  try {
    return check()
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) {
      throw new UsageError(inFlagTerms(error.message))
    }
    throw error
  }
}
