import { declaredLength } from './content-length.js'

/** Default of {@link DrainOptions.maxBytes}: 16 MiB. */
const DRAIN_MAX_BYTES = 16 * 1024 * 1024
/** Default of {@link DrainOptions.maxMs}: 2 s, enough for 16 MiB from a sender at ~70 Mbit/s. */
const DRAIN_MAX_MS = 2_000

/** The budget of {@link drainBody}. */
export interface DrainOptions {
  /** Most bytes read and dropped; past this the stream is cancelled. Default 16 MiB. */
  maxBytes?: number
  /** Most milliseconds spent draining; past this the stream is cancelled. Default 2000. */
  maxMs?: number
  /**
   * The request's `Content-Length`, when known: a body declared larger than `maxBytes` could not be drained
   * within budget anyway, so it is cancelled at once without reading a byte.
   */
  contentLength?: string | number | null
}

/**
 * The smaller budget for a request refused for its source (`allowedIps`, 403): 1 MiB or 1 s. Far more than
 * a webhook really carries (a few KiB), so its sender reads the 403, while an upload from a refused
 * address is cut after 1 MiB or 1 s instead of being read for up to 16 MiB or 2 s.
 *
 * @example
 * ```ts
 * import { drainBody, SOURCE_REFUSAL_DRAIN } from '@ledgerly/webhooks/http'
 *
 * await drainBody(request.body, { ...SOURCE_REFUSAL_DRAIN, contentLength: request.headers.get('content-length') })
 * return new Response(null, { status: 403 })
 * ```
 */
export const SOURCE_REFUSAL_DRAIN: Readonly<Required<Pick<DrainOptions, 'maxBytes' | 'maxMs'>>> =
  Object.freeze({
    maxBytes: 1024 * 1024,
    maxMs: 1_000,
  })

interface DrainBudget {
  maxBytes: number
  maxMs: number
}

/** The largest delay a timer takes (about 24.8 days); a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1

function budgetOf(options: DrainOptions): DrainBudget {
  const maxBytes = options.maxBytes ?? DRAIN_MAX_BYTES
  const maxMs = options.maxMs ?? DRAIN_MAX_MS
  if (typeof maxBytes !== 'number' || Number.isNaN(maxBytes) || maxBytes < 0) {
    throw new RangeError(`drainBody: "maxBytes" must be a number of bytes >= 0, got ${String(maxBytes)}`)
  }
  if (typeof maxMs !== 'number' || !(maxMs >= 0 && maxMs <= MAX_TIMER_MS)) {
    throw new RangeError(`drainBody: "maxMs" must be 0 to ${MAX_TIMER_MS} milliseconds, got ${String(maxMs)}`)
  }
  return { maxBytes, maxMs }
}

/** Cancels without ever rejecting: a stream whose source already failed or went away may refuse. */
function cancelQuietly(reader: ReadableStreamDefaultReader<Uint8Array>): void {
  try {
    reader.cancel().catch(function ignore() {})
  } catch {
    // A reader released by someone else throws synchronously; nothing left to cancel.
  }
}

const DEFAULT_BUDGET: DrainBudget = { maxBytes: DRAIN_MAX_BYTES, maxMs: DRAIN_MAX_MS }

/**
 * Reads and drops what is left in `reader` within `budget`; cancels it when the budget runs out. Resolves
 * `true` when the stream ended within budget, `false` when it was cancelled or failed; never rejects.
 * Internal: `readBodyWithLimit` uses it on a reader it already holds.
 */
export async function drainReader(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  budget: DrainBudget = DEFAULT_BUDGET,
): Promise<boolean> {
  // A timer that cancels, not Promise.race against a deadline promise: each race would leave a reaction
  // on that promise holding its settled chunk until the deadline, keeping every dropped chunk alive.
  let late = false
  const timer = setTimeout(function stopDraining() {
    late = true
    cancelQuietly(reader) // settles the pending read() as done
  }, budget.maxMs)
  // A drain must not keep a Node process alive on its own (Node timers have unref; others need none).
  ;(timer as { unref?: () => void }).unref?.()
  let dropped = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return !late
      dropped += value.byteLength
      if (late || dropped > budget.maxBytes) break
    }
  } catch {
    return false // the sender went away, or the stream failed: nothing left to drain
  } finally {
    clearTimeout(timer)
  }
  cancelQuietly(reader)
  return false
}

/**
 * Reads a request body to its end and drops it, bounded in bytes and time, so that an answer given
 * without the body (413, 403) reaches the sender. A runtime that closes a connection with request bytes
 * still unread makes the kernel send a reset, and a sender still writing then sees `EPIPE`/`ECONNRESET`
 * instead of the answer, and retries (workerd does this); a Node server left with a half-read body keeps
 * the connection stuck. Chunks are dropped as they arrive, so memory stays flat whatever the size.
 *
 * Past the budget (16 MiB or 2 s by default), or when `contentLength` already declares more than
 * `maxBytes`, the stream is cancelled: the sender gets a reset, which only a sender far over the limit
 * sees. Resolves `true` when the body was read to its end, `false` when it was cancelled, was already
 * locked, or failed; never rejects. A bad budget (`maxBytes` below 0, `maxMs` outside 0 to 2³¹−1) throws a
 * `RangeError` synchronously.
 *
 * @example
 * ```ts
 * import { drainBody } from '@ledgerly/webhooks/http'
 *
 * if (!allowed) {
 *   await drainBody(request.body, { contentLength: request.headers.get('content-length') })
 *   return new Response('forbidden', { status: 403 })
 * }
 * ```
 */
export function drainBody(
  body: ReadableStream<Uint8Array> | null | undefined,
  options: DrainOptions = {},
): Promise<boolean> {
  const budget = budgetOf(options) // throws now, not as a rejection: a bad budget is the caller's bug
  if (!body) return Promise.resolve(true)
  let reader: ReadableStreamDefaultReader<Uint8Array>
  try {
    reader = body.getReader()
  } catch {
    return Promise.resolve(false) // locked: someone else is reading it
  }
  const declared = declaredLength(options.contentLength)
  if (declared !== undefined && declared > budget.maxBytes) {
    cancelQuietly(reader)
    return Promise.resolve(false)
  }
  return drainReader(reader, budget)
}
