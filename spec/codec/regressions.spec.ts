// Shrunk counterexamples of the codec properties (codec.prop.spec.ts), kept as plain unit tests
// with their exact bytes. Each holds the garbage property's promise for one input: unpack returns
// a message that packs back to the same bytes, or throws DecodeError; nothing else.

import { describe, expect, it } from 'vitest';
import { Codec, DecodeError, builtinSpec, specFromFile } from '../../src/codec/index.js';

/** What unpacking `bytes` led to, as one comparable string. */
function outcome(codec: Codec, bytes: Buffer): string {
  let msg;
  try {
    msg = codec.unpack(bytes);
  } catch (err) {
    return err instanceof DecodeError ? `DecodeError field ${String(err.field)}` : `unpack threw ${String(err)}`;
  }
  try {
    return codec.pack(msg).equals(bytes) ? 'packs back to the same bytes' : `packs back to ${codec.pack(msg).toString('hex')}`;
  } catch (err) {
    return `decoded ${JSON.stringify(msg.values.filter(Boolean))} but pack threw ${String(err)}`;
  }
}

// The field definitions of the property test's ebcdic-host spec that the counterexamples need.
const amounts = new Codec(
  specFromFile(
    {
      name: 'variable-amounts',
      extends: 'iso87ascii',
      mti: { encoding: 'ebcdic' },
      bitmap: { encoding: 'binary' },
      fields: {
        29: { prefix: 'ascii.LL', length: 11, signs: 'C' },
        30: { prefix: 'bcd.LL', data: 'bcd', length: 12, lengthCounts: 'wire', signs: 'CD' },
      },
    },
    'regressions',
    builtinSpec,
  ),
);

const EBCDIC_0100 = 'F0F1F0F0';

describe('codec regressions: variable x+n amounts', () => {
  it('rejects a variable x+n amount whose LL prefix announces zero digits, or packs it back byte for byte', () => {
    // MTI 0100, binary bitmap with bit 29, ASCII LL "00", sign 'C' and no digits. Decodes to "C",
    // which pack refuses (CODEC_BAD_VALUE: "a string of a sign and digits").
    const bytes = Buffer.from(`${EBCDIC_0100}0000000800000000303043`, 'hex');
    expect(['DecodeError field 29', 'packs back to the same bytes']).toContain(outcome(amounts, bytes));
  });

  it('rejects a BCD x+n amount whose wire-byte prefix is 00 instead of reading a sign past it', () => {
    // Bit 30, BCD LL 00 (zero wire bytes), then one stray byte 'C'. The decoder takes 'C' as the
    // sign of an empty amount although the prefix announced no bytes, so 00 43 and 01 43 both
    // decode to "C": the bytes are not canonical, and pack refuses "C" anyway.
    const bytes = Buffer.from(`${EBCDIC_0100}00000004000000000043`, 'hex');
    expect(outcome(amounts, bytes)).toBe('DecodeError field 30');
  });
});

/** `depth` constructed templates (tag 70), each holding the next; the innermost is empty. */
function nestedTemplates(depth: number): Buffer {
  let inner = Buffer.alloc(0);
  for (let i = 0; i < depth; i++) {
    const n = inner.length;
    const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
    inner = Buffer.concat([Buffer.from([0x70, ...length]), inner]);
  }
  return inner;
}

describe('codec regressions: BER-TLV depth', () => {
  // Not a shrunk run: found while writing the TLV arbitrary (decodeTlv recurses once per
  // constructed tag). A TLV field large enough for thousands of nested templates overflows the stack.
  const bigTlv = new Codec(
    specFromFile({ name: 'big-tlv', extends: 'iso87binary', fields: { 55: { prefix: 'binary.LLL', length: 65535, tlv: true } } }, 'regressions', builtinSpec),
  );

  it('throws DecodeError, not RangeError, or decodes when DE 55 nests BER-TLV templates 8000 deep', () => {
    const tlv = nestedTemplates(8000);
    const prefix = Buffer.from([tlv.length >> 8, tlv.length & 0xff]);
    // MTI 0100 in BCD, binary bitmap with bit 55 only, 2-byte binary length, the nested templates.
    const bytes = Buffer.concat([Buffer.from('01000000000000000200', 'hex'), prefix, tlv]);
    expect(['DecodeError field 55', 'packs back to the same bytes']).toContain(outcome(bigTlv, bytes));
  });
});
