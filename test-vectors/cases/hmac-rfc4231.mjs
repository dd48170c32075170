// RFC 4231 section 4 known answers for HMAC-SHA-256, typed in from the RFC (not computed by us).
// They check the primitive every runtime and reference verifier relies on.

export const file = 'hmac-rfc4231.json'
export const title = 'RFC 4231 HMAC-SHA-256 known answers (the primitive)'

const hexOf = (text) => Buffer.from(text, 'utf8').toString('hex')
const fill = (byte, count) => byte.repeat(count)

const LARGE_KEY_DATA =
  'This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.'

export function build() {
  return [
    {
      id: 'rfc4231-1',
      description: 'Test case 1: 20-byte key, "Hi There"',
      keyHex: fill('0b', 20),
      dataHex: hexOf('Hi There'),
      macHex: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    },
    {
      id: 'rfc4231-2',
      description: 'Test case 2: key shorter than the output ("Jefe")',
      keyHex: hexOf('Jefe'),
      dataHex: hexOf('what do ya want for nothing?'),
      macHex: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    },
    {
      id: 'rfc4231-3',
      description: 'Test case 3: 20 bytes of AA, 50 bytes of DD',
      keyHex: fill('aa', 20),
      dataHex: fill('dd', 50),
      macHex: '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe',
    },
    {
      id: 'rfc4231-4',
      description: 'Test case 4: 25-byte key 01..19, 50 bytes of CD',
      keyHex: Array.from({ length: 25 }, (_, i) => (i + 1).toString(16).padStart(2, '0')).join(''),
      dataHex: fill('cd', 50),
      macHex: '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
    },
    {
      id: 'rfc4231-5',
      description: 'Test case 5: output truncated to 128 bits (compare the first 16 bytes)',
      keyHex: fill('0c', 20),
      dataHex: hexOf('Test With Truncation'),
      macHex: 'a3b6167473100ee06e0c796c2955552b',
    },
    {
      id: 'rfc4231-6',
      description: 'Test case 6: 131-byte key (larger than the block), hashed first',
      keyHex: fill('aa', 131),
      dataHex: hexOf('Test Using Larger Than Block-Size Key - Hash Key First'),
      macHex: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    },
    {
      id: 'rfc4231-7',
      description: 'Test case 7: 131-byte key and data larger than the block',
      keyHex: fill('aa', 131),
      dataHex: hexOf(LARGE_KEY_DATA),
      macHex: '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
    },
  ]
}
