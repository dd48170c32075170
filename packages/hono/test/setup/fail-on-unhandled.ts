// The servers under test run in this process: any unhandled rejection or uncaught exception they cause
// is recorded here and fails the test that was running, instead of being lost in the log.
import { afterEach, expect } from 'vitest'

const escaped: unknown[] = []
process.on('unhandledRejection', (reason) => escaped.push(reason))
process.on('uncaughtException', (error) => escaped.push(error))

afterEach(async () => {
  // Let rejections from the test's last ticks surface before checking.
  await new Promise((resolve) => setTimeout(resolve, 10))
  const found = escaped.splice(0)
  expect(found, 'unhandled rejections / uncaught exceptions during the test').toEqual([])
})
