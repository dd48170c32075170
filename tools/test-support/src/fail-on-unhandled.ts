// A vitest setup file (`setupFiles: ['@ledgerly/test-support/fail-on-unhandled']`). The servers under
// test run in the test process: any unhandled rejection or uncaught exception they cause is recorded and
// fails the test that was running, instead of being lost in the log. Our code must never leak one,
// whatever a request does.
import { afterAll, afterEach, expect } from 'vitest'

const escaped: string[] = []

function record(kind: string) {
  return function recordEscape(reason: unknown): void {
    escaped.push(`${kind}: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`)
  }
}

const onRejection = record('unhandledRejection')
const onException = record('uncaughtException')
process.on('unhandledRejection', onRejection)
process.on('uncaughtException', onException)

afterEach(async function noEscapes() {
  // Let rejections from the test's last ticks surface before checking.
  await new Promise((resolve) => setTimeout(resolve, 10))
  expect(escaped.splice(0), 'unhandled rejections / uncaught exceptions during the test').toEqual([])
})

afterAll(function stopListening() {
  process.off('unhandledRejection', onRejection)
  process.off('uncaughtException', onException)
})
