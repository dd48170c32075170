import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: 'example-nextjs-route',
    include: ['test/**/*.test.ts'],
  },
})
