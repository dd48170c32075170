import { EventEmitter } from 'node:events'
import type { Dispatcher } from 'undici'
import type { DeliveryErrorCode } from './types.js'

/** One POST, as {@link postOnce} performs it. */
export interface PostRequest {
  agent: Dispatcher
  url: URL
  headers: Record<string, string>
  body: string
  timeoutMs: number
  maxResponseBytes: number
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
 * Reads at most `max` bytes of a response body, then stops: a receiver cannot make us buffer a huge
 * answer. Stopping early destroys the stream, which closes that one connection; the pool opens another.
 */
async function readCapped(body: Dispatcher.ResponseData['body'], max: number): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body as AsyncIterable<Buffer>) {
    const room = max - size
    if (chunk.length >= room) {
      if (room > 0) chunks.push(chunk.subarray(0, room))
      body.destroy()
      break
    }
    chunks.push(chunk)
    size += chunk.length
  }
  return decoder.decode(Buffer.concat(chunks))
}

/** Names the failure of a request that got no response, without echoing request data. */
function networkError(error: unknown, timedOut: boolean, timeoutMs: number): PostResult['error'] {
  if (timedOut) return { code: 'TIMEOUT', message: `no response within ${timeoutMs} ms` }
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
 * POSTs the body once. Never throws: every failure becomes `error`. Redirects are not followed (undici's
 * `request` never follows them); the whole exchange, response body included, is bounded by `timeoutMs`.
 */
export async function postOnce(request: PostRequest): Promise<PostResult> {
  // undici accepts an EventEmitter as the abort signal; it costs a fraction of an AbortController, which
  // shows at thousands of deliveries per second.
  const abort = new EventEmitter() as EventEmitter & { aborted: boolean }
  abort.aborted = false
  let timedOut = false
  const timer = setTimeout(function attemptTimedOut() {
    timedOut = true
    abort.aborted = true
    abort.emit('abort')
  }, request.timeoutMs)
  try {
    const response = await request.agent.request({
      origin: request.url.origin,
      path: request.url.pathname + request.url.search,
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: abort,
      headersTimeout: request.timeoutMs,
      bodyTimeout: request.timeoutMs,
    })
    const retryAfter = response.headers['retry-after']
    let excerpt: string | undefined
    try {
      if (response.statusCode === 204 || response.headers['content-length'] === '0')
        await response.body.dump()
      else excerpt = await readCapped(response.body, request.maxResponseBytes)
    } catch {
      // The status already arrived; a broken or slow body does not change what it said.
      excerpt = undefined
    }
    const result: PostResult = { status: response.statusCode }
    if (typeof retryAfter === 'string') result.retryAfter = retryAfter
    if (excerpt) result.excerpt = excerpt
    return result
  } catch (error) {
    return { error: networkError(error, timedOut, request.timeoutMs) }
  } finally {
    clearTimeout(timer)
  }
}
