import { fileURLToPath } from 'node:url'
import { defineProject } from 'vitest/config'

export default defineProject({
  // README examples import the package by name, as users do.
  resolve: {
    alias: { '@ledgerly/webhooks-redis': fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
  },
  test: {
    name: 'redis',
    include: ['test/**/*.test.ts'],
    // Starts a real redis-server on a free port for the whole run (fails loudly if it is not installed).
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
