#!/usr/bin/env node
// The `ledgerly-webhooks` command. This launcher is committed, not built, so that a package manager can
// link the command before the package is built (as in this repository's workspace); the CLI is dist/cli.js.
import { fileURLToPath } from 'node:url'

const cli = new URL('../dist/cli.js', import.meta.url)
try {
  await import(cli.href)
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes(fileURLToPath(cli)))
    throw error
  process.stderr.write(
    'ledgerly-webhooks: the package is not built (dist/cli.js is missing); run `pnpm --filter @ledgerly/webhooks-dispatcher build`\n',
  )
  process.exitCode = 1
}
