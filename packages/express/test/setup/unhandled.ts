import { afterAll, expect } from 'vitest'

// The adapter must never leak a rejection or an exception, whatever a request does: record any that
// reach the process, and fail the file that let them through.
const leaked: string[] = []

function record(kind: string) {
  return function recordLeak(reason: unknown): void {
    leaked.push(`${kind}: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`)
  }
}

const onRejection = record('unhandledRejection')
const onException = record('uncaughtException')
process.on('unhandledRejection', onRejection)
process.on('uncaughtException', onException)

afterAll(function noLeaks() {
  process.off('unhandledRejection', onRejection)
  process.off('uncaughtException', onException)
  expect(leaked).toEqual([])
})
