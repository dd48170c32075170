import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: 'hono',
    include: ['test/**/*.test.ts'],
    setupFiles: ['@ledgerly/test-support/fail-on-unhandled'],
    // The memory test collects garbage before each sample, so it measures what the server keeps alive.
    execArgv: ['--expose-gc'],
  },
})
