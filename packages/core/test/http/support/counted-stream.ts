import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/** A test body: how often it was pulled, whether it was cancelled, and how many of its chunks are alive. */
export interface CountedStream {
  readonly stream: ReadableStream<Uint8Array>
  /** Chunks handed out so far. */
  readonly chunksPulled: number
  readonly cancelled: boolean
  /** Chunks handed out that survive a full garbage collection, among the first `count`. */
  alive(count?: number): number
}

export interface CountedStreamOptions {
  /** Size of every chunk. */
  chunkBytes: number
  /** Chunks before the stream closes; default endless. */
  chunks?: number
  /** After this many chunks, pulls never complete (a sender that went quiet); default never. */
  stallAfter?: number
  /** Called at every pull with the number of chunks handed out so far (before this one). */
  onPull?: (pulled: number) => void
  /** What `cancel()` does; default: nothing. */
  onCancel?: () => void | Promise<void>
}

let gcFunction: (() => void) | undefined

/** A full, synchronous garbage collection (`--expose-gc` turned on at run time). */
export function collectGarbage(): void {
  if (!gcFunction) {
    setFlagsFromString('--expose-gc')
    gcFunction = runInNewContext('gc') as () => void
  }
  gcFunction()
}

/**
 * A byte stream that hands out one chunk per pull, each in a task of its own, and nothing ahead of demand
 * (`highWaterMark: 0`), so `chunksPulled` is exactly what the reader asked for. Every chunk is tracked by
 * a `WeakRef` only.
 */
export function countedStream(options: CountedStreamOptions): CountedStream {
  const refs: Array<WeakRef<Uint8Array>> = []
  let cancelled = false
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        // Each chunk in a task of its own, as from a socket (a WeakRef target stays alive until the task
        // that created it ends, so chunks made within one task could not be seen collected).
        await new Promise((resolve) => setImmediate(resolve))
        options.onPull?.(refs.length)
        if (refs.length === options.stallAfter) return new Promise<void>(() => {})
        if (refs.length === (options.chunks ?? Number.POSITIVE_INFINITY)) return controller.close()
        const chunk = new Uint8Array(options.chunkBytes)
        refs.push(new WeakRef(chunk))
        controller.enqueue(chunk)
      },
      cancel() {
        cancelled = true
        return options.onCancel?.()
      },
    },
    { highWaterMark: 0 },
  )
  return {
    stream,
    get chunksPulled() {
      return refs.length
    },
    get cancelled() {
      return cancelled
    },
    alive(count = refs.length) {
      collectGarbage()
      return refs.slice(0, count).filter((ref) => ref.deref() !== undefined).length
    },
  }
}
