#!/usr/bin/env node
// Interim demo (until the dispatcher lands): sign a sample entry_persisted event, verify it, tamper with
// it, and print both outcomes.
import { createVerifier, generateSecret, isWebhookVerificationError, sign } from '@ledgerly/webhooks'

const secret = generateSecret()
const body = JSON.stringify({
  event: 'entry_persisted',
  data: {
    id: 'entry_01HZX3',
    action: 'invoice.updated',
    actor: { type: 'user', id: 42, name: 'Ada' },
    target: { type: 'invoice', id: 'INV-1001' },
    diff: { status: ['draft', 'sent'] },
    metadata: { ip: '203.0.113.7' },
    context: { tenant: 'acme' },
    severity: 'info',
    created_at: new Date().toISOString(),
  },
})

const headers = await sign(body, { secret })
console.log('Signed headers:', headers)

const verifier = createVerifier({ secret })
const webhook = await verifier.verify({ payload: body, headers })
console.log(
  `\n✔ genuine request verified: event=${webhook.event} id=${webhook.id} secretIndex=${webhook.secretIndex}`,
)

const tampered = body.replace('"sent"', '"paid"')
try {
  await verifier.verify({ payload: tampered, headers })
  console.error('✘ tampered request was accepted — this is a bug')
  process.exit(1)
} catch (error) {
  if (!isWebhookVerificationError(error)) throw error
  console.log(`✔ tampered request rejected: ${error.code} (HTTP ${error.status})`)
}
