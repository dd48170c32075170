import { fileURLToPath } from 'node:url'
import { defineConfig } from 'tsup'

const nodeSelect = fileURLToPath(new URL('./src/backend/select-node.ts', import.meta.url))

const entry = {
  index: 'src/index.ts',
  testing: 'src/testing/index.ts',
  idempotency: 'src/idempotency/index.ts',
  http: 'src/http/index.ts',
}

export default defineConfig([
  {
    // Default build: Web Crypto + noble, no `node:` import anywhere.
    entry,
    format: ['esm'],
    target: 'es2022',
    dts: true,
    clean: true,
    splitting: true,
    treeshake: true,
  },
  {
    // `node` condition: the same sources with the backend swapped for node:crypto, every subpath
    // included so that one process never mixes the two builds.
    entry,
    outDir: 'dist/node',
    format: ['esm'],
    target: 'es2022',
    platform: 'node',
    removeNodeProtocol: false,
    dts: false,
    clean: false,
    splitting: true,
    esbuildPlugins: [
      {
        name: 'select-node-backend',
        setup(build) {
          build.onResolve({ filter: /backend\/select\.js$/ }, () => ({ path: nodeSelect }))
        },
      },
    ],
  },
])
