// Starts the receiver: LEDGERLY_WEBHOOK_SECRET=... PORT=3000 node src/server.js
import { createApp } from './app.js'

const secret = process.env.LEDGERLY_WEBHOOK_SECRET
if (!secret) {
  console.error('Set LEDGERLY_WEBHOOK_SECRET to the secret configured in Ledgerly')
  process.exit(1)
}

const port = Number(process.env.PORT ?? 3000)
const server = createApp({ secret }).listen(port, '127.0.0.1', () => {
  const address = server.address()
  console.log(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`)
})
