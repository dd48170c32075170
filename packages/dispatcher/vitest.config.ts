import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: 'dispatcher',
    include: ['test/**/*.test.ts'],
    // Real HTTP servers and child processes: keep files sequential on this 2-core machine.
    fileParallelism: false,
    testTimeout: 20_000,
  },
})
