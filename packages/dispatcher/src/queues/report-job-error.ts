import type { DeliveryJob } from './contract.js'

/**
 * Calls a queue's `onError` so that it can never take the process down: a listener that throws, or an
 * `async` one that rejects (saving the failed job to a store that is down, say), is ignored, as hook
 * listeners are. The job has already failed; there is nobody left to tell.
 */
export function reportJobError(
  onError: (error: unknown, job: DeliveryJob) => unknown,
  error: unknown,
  job: DeliveryJob,
): void {
  try {
    const result = onError(error, job) as { then?: unknown } | undefined
    if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
      ;(result as PromiseLike<unknown>).then(undefined, () => {})
    }
  } catch {
    // Ignored: see above.
  }
}
