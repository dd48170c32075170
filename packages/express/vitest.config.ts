import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: 'express',
    include: ['test/**/*.test.ts'],
    setupFiles: ['@ledgerly/test-support/fail-on-unhandled'],
    // Real servers and a 50 MiB upload: generous, but bounded.
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
})
