import { describe, expect, it } from 'vitest'
import {
  createIpAllowlist,
  isRequestAbortedError,
  type RequestSource,
  sourceRefusal,
  UnknownSourceError,
} from '../../src/http/index.js'

const isAllowed = createIpAllowlist(['10.0.0.0/8'])
const live = { gone: () => false, howToFix: 'Pass getClientIp' }

describe('sourceRefusal', () => {
  it.each<[string, boolean | number, Partial<RequestSource>, string]>([
    ['peer inside the list', false, { peer: '10.1.2.3' }, 'let in'],
    ['peer outside the list', false, { peer: '192.0.2.1' }, 'FORBIDDEN_SOURCE'],
    ['no peer, trustProxy off, client connected', false, { peer: undefined }, 'UnknownSourceError'],
    ['peer null, trustProxy off', false, { peer: null }, 'UnknownSourceError'],
    ['no peer, trustProxy off, client gone', false, { peer: '', gone: () => true }, 'RequestAbortedError'],
    ['trustProxy 1, X-Forwarded-For inside', 1, { peer: undefined, forwardedFor: '10.9.9.9' }, 'let in'],
    ['trustProxy 1, no X-Forwarded-For', 1, { peer: '10.1.2.3' }, 'FORBIDDEN_SOURCE'],
  ])('%s → %s', (_name, trustProxy, source, expected) => {
    const refusal = sourceRefusal({ isAllowed, trustProxy }, {
      forwardedFor: undefined,
      ...live,
      ...source,
    } as RequestSource)
    if (expected === 'let in') expect(refusal).toBeUndefined()
    else if (expected === 'UnknownSourceError') {
      expect(refusal).toBeInstanceOf(UnknownSourceError)
      expect(refusal!.message).toContain('Pass getClientIp')
    } else if (expected === 'RequestAbortedError') expect(isRequestAbortedError(refusal)).toBe(true)
    else expect((refusal as { code?: string }).code).toBe(expected)
  })

  it('no allowedIps → undefined, and neither the peer nor gone() is consulted', () => {
    const source = { peer: undefined, forwardedFor: undefined, gone: () => true, howToFix: '' }
    expect(sourceRefusal({ trustProxy: false }, source)).toBeUndefined()
  })
})
