// Starts the example: LEDGERLY_WEBHOOK_SECRET=... node src/server.js
import { serve } from '@hono/node-server'
import { createApp } from './app.js'

const secret = process.env.LEDGERLY_WEBHOOK_SECRET
if (!secret) throw new Error('Set LEDGERLY_WEBHOOK_SECRET to the secret configured in Ledgerly')

const port = Number(process.env.PORT ?? 3000)
serve({ fetch: createApp({ secret }).fetch, port }, (info) => {
  console.log(`Listening on http://localhost:${info.port}/webhooks/ledgerly`)
})
