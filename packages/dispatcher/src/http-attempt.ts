import type { Dispatcher } from 'undici'
import type { AttemptDeadlines, DeadlineEntry } from './attempt-deadlines.js'
import type { DeliveryErrorCode } from './types.js'

/** One POST, as {@link postOnce} performs it. */
export interface PostRequest {
  agent: Dispatcher
  /** `url.origin` and `url.pathname + url.search`, computed once per dispatcher (URL getters build strings). */
  origin: string
  path: string
  /** Flat name/value pairs, as undici accepts them. */
  headers: string[]
  body: string
  timeoutMs: number
  maxResponseBytes: number
  /** The dispatcher's shared deadline list (its timeout is `timeoutMs`). */
  deadlines: AttemptDeadlines
}

/** What came back from one POST. */
export interface PostResult {
  status?: number
  retryAfter?: string
  excerpt?: string
  /** Set when no complete response arrived. */
  error?: { code: DeliveryErrorCode; message: string }
}

const decoder = new TextDecoder()

/**
 * How long a response whose body exactly filled `maxResponseBytes` (and did not declare that length) may
 * take to end before its connection is closed. A healthy server's end marker follows at once; waiting for
 * it keeps the connection reusable, and the bound stops a server that stalls there from holding the
 * connection (and `close()`) until the attempt's timeout.
 */
const EXACT_CAP_GRACE_MS = 250

/** Names the failure of a request that got no response, without echoing request data. */
function networkError(error: unknown, timeoutMs: number): PostResult['error'] {
  const err = error as { code?: unknown; cause?: { code?: unknown }; message?: unknown }
  const code =
    typeof err?.code === 'string'
      ? err.code
      : typeof err?.cause?.code === 'string'
        ? err.cause.code
        : undefined
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return { code: 'TIMEOUT', message: `no response within ${timeoutMs} ms` }
  }
  const detail = code ?? (typeof err?.message === 'string' ? err.message : 'request failed')
  return { code: 'NETWORK_ERROR', message: detail }
}

/**
 * The undici handler of one attempt. It uses the low-level `dispatch` API rather than `request`: no
 * response stream, no abort signal and no promise per body, which at thousands of deliveries per second
 * was a large share of the CPU. It settles exactly once: on the end of the response, when the capped
 * read is full, on an error, or at the deadline, whichever comes first.
 */
class AttemptHandler implements Dispatcher.DispatchHandler {
  status: number | undefined
  retryAfter: string | undefined
  chunks: Buffer[] | undefined
  size = 0
  /** The response's `content-length`, when it declared one. */
  declaredLength: string | undefined
  /** Set while an exactly full body has {@link EXACT_CAP_GRACE_MS} to end. */
  graceTimer: ReturnType<typeof setTimeout> | undefined
  settled = false
  controller: Dispatcher.DispatchController | undefined
  readonly deadline: DeadlineEntry

  constructor(
    readonly request: PostRequest,
    readonly resolve: (result: PostResult) => void,
  ) {
    this.deadline = request.deadlines.start(() => this.timedOut())
  }

  settle(result: PostResult) {
    if (this.settled) return
    this.settled = true
    this.request.deadlines.stop(this.deadline)
    this.resolve(result)
  }

  /** The status already arrived: a broken, slow or oversized body does not change what it said. */
  answered(excerpt: string | undefined): PostResult {
    const result: PostResult = { status: this.status! }
    if (this.retryAfter !== undefined) result.retryAfter = this.retryAfter
    if (excerpt) result.excerpt = excerpt
    return result
  }

  /** What arrived of the body so far: a 500 whose body then stalls or breaks still shows its first bytes. */
  excerptSoFar(): string | undefined {
    return this.chunks?.length ? decoder.decode(Buffer.concat(this.chunks)) : undefined
  }

  timedOut() {
    const timeoutMs = this.request.timeoutMs
    this.settle(
      this.status === undefined
        ? { error: { code: 'TIMEOUT', message: `no response within ${timeoutMs} ms` } }
        : this.answered(this.excerptSoFar()),
    )
    // A request still queued for a connection has no controller yet: onRequestStart aborts it.
    this.controller?.abort(new Error('attempt timed out'))
  }

  onRequestStart(controller: Dispatcher.DispatchController) {
    this.controller = controller
    if (this.settled) controller.abort(new Error('attempt timed out'))
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ) {
    // 1xx informational responses precede the real one.
    if (statusCode < 200 || this.settled) return
    this.status = statusCode
    const retryAfter = headers['retry-after']
    if (typeof retryAfter === 'string') this.retryAfter = retryAfter
    const contentLength = headers['content-length']
    if (typeof contentLength === 'string') this.declaredLength = contentLength
    // With a cap of 0 the first chunk already fills it: the connection closes rather than drain a body.
    if (statusCode !== 204 && headers['content-length'] !== '0') this.chunks = []
    this.controller = controller
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer) {
    if (this.chunks === undefined) return
    if (this.settled) {
      // The cap was filled exactly and the answer already given: only bytes beyond it close the
      // connection; a body that ends right there leaves it reusable.
      if (this.size === this.request.maxResponseBytes && chunk.length > 0) {
        this.endGrace()
        controller.abort(new Error('response body cap reached'))
      }
      return
    }
    const room = this.request.maxResponseBytes - this.size
    if (chunk.length < room) {
      this.chunks.push(chunk)
      this.size += chunk.length
      return
    }
    if (chunk.length === room && room > 0) {
      // Exactly full: answer now (a body that then stalls must not hold the attempt until its timeout).
      this.chunks.push(chunk)
      this.size += chunk.length
      this.settle(this.answered(decoder.decode(Buffer.concat(this.chunks))))
      // A declared length equal to the cap means the body is complete; otherwise its end must come soon.
      if (this.declaredLength !== String(this.size)) this.startGrace(controller)
      return
    }
    // The cap is reached: stop reading. A receiver cannot make us buffer a huge answer; aborting closes
    // that one connection, and the pool opens another.
    this.chunks.push(chunk.subarray(0, room))
    this.settle(this.answered(decoder.decode(Buffer.concat(this.chunks))))
    controller.abort(new Error('response body cap reached'))
  }

  startGrace(controller: Dispatcher.DispatchController) {
    this.graceTimer = setTimeout(function graceOver() {
      controller.abort(new Error('response body cap reached'))
    }, EXACT_CAP_GRACE_MS)
    this.graceTimer.unref?.()
  }

  endGrace() {
    if (this.graceTimer === undefined) return
    clearTimeout(this.graceTimer)
    this.graceTimer = undefined
  }

  onResponseEnd() {
    this.endGrace()
    if (this.settled) return
    this.settle(this.answered(this.excerptSoFar()))
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error) {
    this.endGrace()
    if (this.settled) return
    this.settle(
      this.status === undefined
        ? { error: networkError(error, this.request.timeoutMs) }
        : this.answered(this.excerptSoFar()),
    )
  }
}

/**
 * POSTs the body once. Never rejects: every failure becomes `error`. Redirects are not followed (a bare
 * `dispatch` never follows them); the whole exchange, waiting for a connection and the response body
 * included, is bounded by `timeoutMs`.
 */
export function postOnce(request: PostRequest): Promise<PostResult> {
  return new Promise<PostResult>(function sendAttempt(resolve) {
    const handler = new AttemptHandler(request, resolve)
    try {
      request.agent.dispatch(
        {
          origin: request.origin,
          path: request.path,
          method: 'POST',
          headers: request.headers,
          body: request.body,
          headersTimeout: request.timeoutMs,
          bodyTimeout: request.timeoutMs,
        },
        handler,
      )
    } catch (error) {
      // dispatch reports most failures through the handler; a few (a closed agent) are thrown.
      handler.onResponseError(undefined as never, error as Error)
    }
  })
}
