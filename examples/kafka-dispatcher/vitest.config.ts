import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: 'example-kafka-dispatcher',
    include: ['test/**/*.test.ts'],
  },
})
