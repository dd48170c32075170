import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: 'hono',
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup/fail-on-unhandled.ts'],
    // The memory test collects garbage before each sample, so it measures what the server keeps alive.
    execArgv: ['--expose-gc'],
  },
})
