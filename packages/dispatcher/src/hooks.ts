import type { AttemptRecord, DeliveryRecord } from './types.js'

/** Payloads of the dispatcher's lifecycle events. */
export interface DispatcherEvents {
  /** An attempt is about to be sent. */
  attempt: { delivery: DeliveryRecord; attempt: number }
  /** A 2xx arrived. */
  success: { delivery: DeliveryRecord; attempt: AttemptRecord }
  /** A retryable failure; the next attempt is scheduled in `attempt.retryInMs`. */
  retry: { delivery: DeliveryRecord; attempt: AttemptRecord }
  /** A permanent failure, or tries exhausted. */
  failure: { delivery: DeliveryRecord; attempt: AttemptRecord }
}

/** Name of a dispatcher event. */
export type DispatcherEventName = keyof DispatcherEvents

/** A listener of one dispatcher event. It may be `async`; its result is not awaited, a rejection ignored. */
export type DispatcherListener<Name extends DispatcherEventName> = (payload: DispatcherEvents[Name]) => void

/** Swallows a rejected listener promise: an `async` listener that throws must not crash the process. */
function ignoreRejection(): void {}

/** A tiny typed emitter. Listener errors are caught so an observer can never break a delivery. */
export function createHooks() {
  const listeners: { [Name in DispatcherEventName]: Set<DispatcherListener<Name>> } = {
    attempt: new Set(),
    success: new Set(),
    retry: new Set(),
    failure: new Set(),
  }
  return {
    on<Name extends DispatcherEventName>(name: Name, listener: DispatcherListener<Name>): () => void {
      const set = listeners[name] as Set<DispatcherListener<Name>> | undefined
      if (!set) throw new TypeError(`dispatcher.on: unknown event "${String(name)}"`)
      if (typeof listener !== 'function') throw new TypeError('dispatcher.on: listener must be a function')
      set.add(listener)
      return function unsubscribe() {
        set.delete(listener)
      }
    },
    /** Whether anyone listens: lets the dispatcher skip building a payload nobody reads. */
    has(name: DispatcherEventName): boolean {
      return listeners[name].size > 0
    },
    emit<Name extends DispatcherEventName>(name: Name, payload: DispatcherEvents[Name]): void {
      for (const listener of listeners[name] as Set<DispatcherListener<Name>>) {
        try {
          const result: unknown = listener(payload)
          // An async listener's rejection would otherwise be unhandled, which ends a Node process.
          if (typeof (result as PromiseLike<void> | undefined)?.then === 'function') {
            ;(result as PromiseLike<void>).then(undefined, ignoreRejection)
          }
        } catch {
          // Observers must not turn a delivered webhook into a failed one.
        }
      }
    },
  }
}
