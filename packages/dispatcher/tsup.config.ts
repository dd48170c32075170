import { defineConfig } from 'tsup'

export default defineConfig({
  entry: { index: 'src/index.ts', bullmq: 'src/queues/bullmq/index.ts', cli: 'src/cli/main.ts' },
  format: ['esm'],
  target: 'es2022',
  platform: 'node',
  dts: { entry: { index: 'src/index.ts', bullmq: 'src/queues/bullmq/index.ts' } },
  clean: true,
  splitting: true,
  treeshake: true,
})
