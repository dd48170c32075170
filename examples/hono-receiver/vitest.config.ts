import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: 'example-hono-receiver',
    include: ['test/**/*.test.ts'],
  },
})
