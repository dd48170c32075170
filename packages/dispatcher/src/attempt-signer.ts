import { createSigner, type Signer } from '@ledgerly/webhooks'
import type { SignedDispatcherOptions } from './options.js'
import type { AttemptRecord } from './types.js'

/** The core signer for the dispatcher's options. */
export function dispatcherSigner(options: SignedDispatcherOptions): Signer {
  try {
    return createSigner({ secret: options.secret, format: options.format ?? 'compound' })
  } catch (error) {
    // The core names itself ("createSigner: …"); the caller called createSignedDispatcher.
    if (error instanceof TypeError || error instanceof RangeError) {
      const ErrorClass = error instanceof RangeError ? RangeError : TypeError
      const message = error.message.replace(/^createSigner: /, '')
      throw new ErrorClass(`createSignedDispatcher: ${message}`, { cause: error })
    }
    throw error
  }
}

/** One attempt's signature headers, or why it could not be signed (then nothing can be sent). */
export type SignedAttempt =
  | { signedAt: number; headers: Record<string, string>; fault?: undefined }
  | { signedAt: 0; headers?: undefined; fault: string }

/** Messages stay one short line: a clock's own error text is not ours to print at any length. */
const MAX_FAULT = 200

function faulted(fault: string): SignedAttempt {
  return { signedAt: 0, fault: fault.length > MAX_FAULT ? `${fault.slice(0, MAX_FAULT)}…` : fault }
}

/**
 * Signs each attempt with a fresh timestamp from `now`. A clock that throws or gives no valid unix time,
 * and a body that cannot be signed (a lone surrogate stored by a producer that did not check it), are
 * returned as a fault instead of thrown: a re-run of the job would fail the same way, so the dispatcher
 * records it as a failed attempt rather than leaving it to the queue's fault handling (silent by default).
 *
 * @example
 * ```ts
 * const signAttempt = attemptSigner(createSigner({ secret }), Date.now)
 * const { signedAt, headers, fault } = signAttempt('{"event":"entry_persisted"}')
 * ```
 */
export function attemptSigner(signer: Signer, now: () => number) {
  return function signAttempt(body: string): SignedAttempt {
    let millis: unknown
    try {
      millis = now()
    } catch (error) {
      return faulted(
        `not sent: the "now" clock threw: ${error instanceof Error ? error.message : String(error)}`,
      )
    }
    const signedAt = typeof millis === 'number' ? Math.floor(millis / 1000) : Number.NaN
    // What a verifier accepts as T (GUIDE §2): 1 to 10 digits. NaN, a clock in microseconds or before 1970 is not.
    if (!(signedAt >= 1 && signedAt < 1e10)) {
      return faulted(
        `not sent: the "now" clock returned ${String(millis)}; it must return epoch milliseconds, like Date.now()`,
      )
    }
    try {
      // Synchronous: on Node the HMAC is native and takes microseconds; no promise hop per attempt.
      return { signedAt, headers: signer.signSync(body, { timestamp: signedAt }) }
    } catch (error) {
      // The core's messages name the problem, never the body ("…has a lone surrogate…").
      const reason =
        error instanceof Error ? error.message.replace(/^sign: "payload"/, 'the body') : 'unknown'
      return faulted(`not sent: the job's body cannot be signed: ${reason}`)
    }
  }
}

/** The record of an attempt that could not be signed: nothing was sent, and it is final. */
export function unsignedAttempt(attempt: number, fault: string): AttemptRecord {
  return {
    attempt,
    startedAt: Date.now(),
    durationMs: 0,
    signedAt: 0,
    error: { code: 'SIGNING_ERROR', message: fault },
    outcome: 'failed',
  }
}
