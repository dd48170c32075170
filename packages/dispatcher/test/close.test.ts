import { expect, it } from 'vitest'
import { createSignedDispatcher } from '../src/index.js'

it('close() twice → the same report, no error from closing the HTTP agent again', async () => {
  const dispatcher = createSignedDispatcher({ url: 'http://127.0.0.1:9/hooks', secret: 'close-twice-secret' })
  const first = dispatcher.close()
  const second = dispatcher.close()
  expect(await second).toBe(await first)
  expect(await dispatcher.close()).toEqual({ pending: [], interrupted: [] })
})

it('dispatch() after close() → rejects instead of resolving for a delivery nobody will send', async () => {
  const dispatcher = createSignedDispatcher({ url: 'http://127.0.0.1:9/hooks', secret: 'close-late-secret' })
  await dispatcher.close()
  await expect(
    dispatcher.dispatch({ event: 'entry_persisted', data: { id: 'e1' } }, 'entry_persisted'),
  ).rejects.toThrow(/closed/)
})
