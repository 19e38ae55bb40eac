import { describe, expect, it } from 'vitest';
import { builtinCodec, DecodeError, IsoMessage } from '../../src/codec/index.js';

const codec = builtinCodec('iso87ascii');
const request = new IsoMessage('0200').set(3, '000000').set(4, '000000001500').set(11, '000321').set(41, 'TERM0042').set(49, '840');
const bytes = codec.pack(request);

describe('Codec.unpackPartial', () => {
  it('returns the whole message and no error when the bytes are valid', () => {
    const { message, error } = codec.unpackPartial(bytes);
    expect(error).toBeNull();
    expect(message.fields()).toEqual([3, 4, 11, 41, 49]);
  });

  it('issue #13: keeps the MTI, the fields before the failure and those after it when a later field is bad', () => {
    const bad = Buffer.from(bytes);
    const de41At = bytes.length - 3 - 8;
    bad[de41At + 2] = 0x07; // a control character in the ans field DE 41
    const { message, error } = codec.unpackPartial(bad);
    expect(error).toBeInstanceOf(DecodeError);
    expect(error?.code).toBe('CODEC_BAD_CHAR');
    expect(error?.field).toBe(41);
    expect(error?.offset).toBe(de41At + 2);
    expect(message.mti).toBe('0200');
    expect(message.fields()).toEqual([3, 4, 11, 49]);
    expect(message.get(11)).toBe('000321');
    expect(message.get(49)).toBe('840');
  });

  it('leaves the MTI empty when the MTI itself cannot be read', () => {
    const { message, error } = codec.unpackPartial(Buffer.from('02x0', 'latin1'));
    expect(error?.code).toBe('CODEC_BAD_MTI');
    expect(message.mti).toBe('');
    expect(message.fields()).toEqual([]);
  });

  it('throws on a window outside the buffer, which is a caller bug rather than bad input', () => {
    expect(() => codec.unpackPartial(bytes, 0, bytes.length + 1)).toThrow(/window/);
  });
});

describe('Codec.unpackPartial reading past a malformed field', () => {
  // DE 3 n6, 4 n12, 7 n10, 11 n6, 32 n..11 (LL), 41 ans8, 49 n3: in that order after the bitmap.
  const full = new IsoMessage('0100').set(3, '000000').set(4, '000000001500').set(7, '1123143015').set(11, '000321')
    .set(32, '123456').set(41, 'TERM0042').set(49, '840');
  const wire = codec.pack(full);
  const at = (de: number): number => {
    const order = [3, 4, 7, 11, 32, 41, 49];
    let pos = 4 + 16;
    for (const d of order) {
      if (d === de) return pos;
      pos += d === 32 ? 2 + 6 : String(full.get(d)).length;
    }
    throw new Error(`DE ${de} is not in the test message`);
  };
  const corrupt = (...edits: Array<[number, number]>): Buffer => {
    const bad = Buffer.from(wire);
    for (const [offset, byte] of edits) bad[offset] = byte;
    return bad;
  };

  it.each<[string, Buffer, number, string, number[]]>([
    ['a letter in the fixed DE 4', corrupt([at(4) + 5, 0x41]), 4, 'CODEC_BAD_DIGIT', [3, 7, 11, 32, 41, 49]],
    ['a letter in the body of the LL DE 32', corrupt([at(32) + 4, 0x41]), 32, 'CODEC_BAD_DIGIT', [3, 4, 7, 11, 41, 49]],
    ['bad content in DE 4 and in DE 41', corrupt([at(4), 0x41], [at(41), 0x07]), 4, 'CODEC_BAD_DIGIT', [3, 7, 11, 32, 49]],
  ])('issue #13: reads the fields after %s and names the first failure', (_what, bad, field, code, fields) => {
    const { message, error } = codec.unpackPartial(bad);
    expect([error?.field, error?.code]).toEqual([field, code]);
    expect(message.mti).toBe('0100');
    expect(message.fields()).toEqual(fields);
    for (const de of fields) expect(message.get(de)).toBe(full.get(de));
  });

  it.each<[string, Buffer, number, number[]]>([
    ['a letter in the length prefix of DE 32', corrupt([at(32), 0x41]), 32, [3, 4, 7, 11]],
    ['a length prefix of DE 32 over its maximum', corrupt([at(32), 0x39]), 32, [3, 4, 7, 11]],
    ['a frame cut inside DE 41', wire.subarray(0, at(41) + 3), 41, [3, 4, 7, 11, 32]],
    ['a frame cut inside DE 4, after a bad DE 3', corrupt([at(3), 0x41]).subarray(0, at(4) + 2), 3, []],
  ])('stops where the next field cannot be found: %s', (_what, bad, field, fields) => {
    const { message, error } = codec.unpackPartial(bad);
    expect(error?.field).toBe(field);
    expect(message.fields()).toEqual(fields);
  });

  it('adds nothing when the failure is in the bitmap or after the last field', () => {
    const trailing = codec.unpackPartial(Buffer.concat([wire, Buffer.from('00')]));
    expect([trailing.error?.code, trailing.message.fields()]).toEqual(['CODEC_TRAILING_BYTES', [3, 4, 7, 11, 32, 41, 49]]);
    const bitmap = codec.unpackPartial(wire.subarray(0, 10));
    expect([bitmap.error?.field, bitmap.message.mti, bitmap.message.fields()]).toEqual(['bitmap', '0100', []]);
  });
});
