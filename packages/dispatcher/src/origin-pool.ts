import { Client, Dispatcher } from 'undici'

/** Options of {@link OriginPool}. */
export interface OriginPoolOptions {
  /** Most keep-alive connections at once. Default: unlimited (one more whenever all are busy). */
  connections?: number
  /** How long an idle connection stays open, in milliseconds. Default 30 000. */
  keepAliveTimeout?: number
}

/** One connection of the pool, and whether it sits on the idle stack. */
interface Slot {
  readonly client: Client
  idle: boolean
}

interface Waiting {
  options: Dispatcher.DispatchOptions
  handler: Dispatcher.DispatchHandler
}

/** Tells a handler of either undici style that its request failed before it was sent. */
function failHandler(handler: Dispatcher.DispatchHandler, error: Error) {
  if (typeof handler.onResponseError === 'function') handler.onResponseError(undefined as never, error)
  else handler.onError?.(error)
}

/**
 * Keep-alive connections to ONE origin, each an undici `Client`, handed out in constant time.
 *
 * undici's `Pool` looks for a free connection by walking every connection it has, twice per request when
 * all are busy. With 1,000 deliveries in flight over 1,000 connections that walk was 6 % of the sender's
 * CPU. This pool keeps free connections on a stack instead: a request takes the top one (or opens a new
 * one while under `connections`), or waits in a FIFO until a connection reports `drain`. HTTP itself (the
 * connection, the request, the response parser, keep-alive) stays undici's `Client`.
 *
 * The dispatcher builds one per endpoint when you do not pass `agent`; it sends to a single origin and never
 * follows redirects, so it needs no per-origin routing.
 *
 * @example
 * ```ts
 * const pool = new OriginPool('https://example.com', { connections: 256 })
 * pool.dispatch({ origin: 'https://example.com', path: '/hooks', method: 'POST', body }, handler)
 * await pool.close()
 * ```
 */
export class OriginPool extends Dispatcher {
  readonly #origin: string
  readonly #max: number
  readonly #keepAliveTimeout: number
  readonly #slots: Slot[] = []
  readonly #idle: Slot[] = []
  #waiting: (Waiting | undefined)[] = []
  #head = 0
  #closed = false
  #destroyed = false
  #closing: Promise<void> | undefined
  #whenEmpty: (() => void) | undefined

  constructor(origin: string, options: OriginPoolOptions = {}) {
    super()
    this.#origin = origin
    this.#max = options.connections ?? Number.POSITIVE_INFINITY
    this.#keepAliveTimeout = options.keepAliveTimeout ?? 30_000
  }

  /** Connections opened so far (they reconnect on their own after a close). */
  get size(): number {
    return this.#slots.length
  }

  /** Requests waiting for a free connection. */
  get waiting(): number {
    return this.#waiting.length - this.#head
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    if (this.#closed) throw new Error('OriginPool: closed')
    const slot = this.#idle.pop() ?? (this.#slots.length < this.#max ? this.#open() : undefined)
    if (slot === undefined) {
      // Accepted: it runs when a connection frees. (`true`, because this pool never emits `drain`.)
      this.#waiting.push({ options, handler })
      return true
    }
    slot.idle = false
    this.#send(slot, options, handler)
    return true
  }

  #open(): Slot {
    const client = new Client(this.#origin, { keepAliveTimeout: this.#keepAliveTimeout })
    const slot: Slot = { client, idle: false }
    const pool = this
    client.on('drain', function connectionFree() {
      pool.#free(slot)
    })
    // Connection errors reach the request's handler; these listeners only keep them off the process.
    client.on('connectionError', () => {})
    client.on('disconnect', () => {})
    this.#slots.push(slot)
    return slot
  }

  #send(slot: Slot, options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) {
    // `true` means the connection can take another request right away (it never does for a POST, which
    // undici does not pipeline). `false` usually means it is busy and will emit `drain` when it can; but
    // undici also answers `false` when it refused the request outright (an invalid header, say: it calls
    // the handler's error callback first). Such a request never occupied the connection, and no `drain`
    // will come for it, so the connection is free again at once.
    if (slot.client.dispatch(options, handler) || slot.client.stats.size === 0) this.#free(slot)
  }

  #free(slot: Slot) {
    if (slot.idle) return
    const next = this.#head < this.#waiting.length ? this.#waiting[this.#head] : undefined
    if (next !== undefined) {
      this.#waiting[this.#head++] = undefined
      if (this.#head > 1024 && this.#head * 2 > this.#waiting.length) {
        this.#waiting = this.#waiting.slice(this.#head)
        this.#head = 0
      }
      this.#send(slot, next.options, next.handler)
      return
    }
    slot.idle = true
    this.#idle.push(slot)
    this.#whenEmpty?.()
  }

  #takeWaiting(): Waiting[] {
    const left = this.#waiting.slice(this.#head).filter((item): item is Waiting => item !== undefined)
    this.#waiting = []
    this.#head = 0
    return left
  }

  /**
   * Stops taking requests, lets the waiting and running ones finish, then closes every connection. Calling it
   * again returns the same promise; a `destroy()` meanwhile ends it early, without an error.
   */
  override close(): Promise<void>
  override close(callback: () => void): void
  override close(callback?: () => void): Promise<void> | void {
    this.#closed = true
    const pool = this
    this.#closing ??= (async function closeAll() {
      if (pool.waiting > 0 && !pool.#destroyed) {
        await new Promise<void>((resolve) => {
          pool.#whenEmpty = () => {
            if (pool.waiting === 0) resolve()
          }
        })
      }
      // A client destroyed meanwhile rejects its close(): the pool is closed either way.
      await Promise.all(pool.#slots.map((slot) => slot.client.close().catch(() => {})))
    })()
    if (callback === undefined) return this.#closing
    this.#closing.then(callback, callback)
  }

  /** Fails waiting requests, aborts running ones and closes every connection at once. */
  override destroy(): Promise<void>
  override destroy(error: Error | null): Promise<void>
  override destroy(callback: () => void): void
  override destroy(error: Error | null, callback: () => void): void
  override destroy(
    errorOrCallback?: Error | null | (() => void),
    callback?: () => void,
  ): Promise<void> | void {
    const error = typeof errorOrCallback === 'function' ? null : (errorOrCallback ?? null)
    const onDone = typeof errorOrCallback === 'function' ? errorOrCallback : callback
    this.#closed = true
    this.#destroyed = true
    const reason = error ?? new Error('OriginPool: destroyed')
    for (const { handler } of this.#takeWaiting()) failHandler(handler, reason)
    this.#whenEmpty?.()
    const done = Promise.all(this.#slots.map((slot) => slot.client.destroy(reason))).then(() => {})
    if (onDone === undefined) return done
    done.then(onDone, onDone)
  }
}
