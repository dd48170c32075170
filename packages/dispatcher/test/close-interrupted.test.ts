import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Pool } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { createSignedDispatcher } from '../src/index.js'

// close({ timeoutMs }) reports the attempts still running as `interrupted`, for the caller to re-send. An
// attempt that finished after that report used to be recorded anyway: 'delivered' with a success hook
// (so a re-send duplicated it), or 'failed' with a failure hook for our own shutdown ("OriginPool:
// destroyed"). Now the report stays true: nothing is recorded, no hook fires, nothing is re-queued.
let server: Server | undefined
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())))

/** A receiver that answers 200 after `delayMs`. */
async function slowReceiver(delayMs: number): Promise<string> {
  server = createServer((req, res) => {
    req.resume()
    setTimeout(() => res.end('ok'), delayMs)
  })
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`
}

const agents = [
  ['its own connection pool', () => undefined],
  ['your own undici agent', (origin: string) => new Pool(new URL(origin).origin, { connections: 1 })],
] as const

describe.each(agents)('close({ timeoutMs }) with %s', (_name, makeAgent) => {
  it('an attempt still running at the timeout → reported interrupted, then never recorded nor hooked', async () => {
    const url = await slowReceiver(300)
    const agent = makeAgent(url)
    // One try: a cut-off attempt on its last try used to be recorded 'failed', with a failure hook.
    const dispatcher = createSignedDispatcher({
      url,
      secret: 'close-interrupted-secret',
      agent,
      defaultRetry: { tries: 1, backoff: [1] },
    })
    const outcomes: string[] = []
    for (const hook of ['success', 'failure', 'retry'] as const)
      dispatcher.on(hook, () => outcomes.push(hook))

    await dispatcher.dispatch({ event: 'entry_persisted', data: { id: 'e1' } }, 'entry_persisted', {
      deliveryId: 'cut-1',
    })
    await new Promise((resolve) => setTimeout(resolve, 50)) // the attempt is on the wire
    const report = await dispatcher.close({ timeoutMs: 20 })
    expect(report.interrupted.map((job) => job.deliveryId)).toEqual(['cut-1'])

    await new Promise((resolve) => setTimeout(resolve, 500)) // the receiver has answered by now
    expect(outcomes).toEqual([])
    expect(dispatcher.log.get('cut-1')?.state).toBe('pending')
    await agent?.destroy()
  })
})
