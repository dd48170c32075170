import { DEFAULT_RETRY } from '../retry.js'

/** The dispatcher's own default per-attempt timeout, in seconds. */
const DEFAULT_TIMEOUT_SECONDS = 30

/** The flags of the commands that deliver (`send`, `worker`), with the dispatcher's defaults. */
export const DELIVERY_FLAGS = {
  tries: {
    type: 'string',
    value: 'N',
    help: 'attempts per delivery, in all',
    default: String(DEFAULT_RETRY.tries),
  },
  backoff: {
    type: 'string',
    value: 'SECONDS,…',
    help: 'wait before each retry, decimals allowed; the last repeats',
    default: DEFAULT_RETRY.backoff.join(','),
  },
  timeout: {
    type: 'string',
    value: 'SECONDS',
    help: 'per-attempt HTTP timeout',
    default: String(DEFAULT_TIMEOUT_SECONDS),
  },
  legacy: { type: 'boolean', help: 'sign with the legacy bare-hex signature' },
} as const
