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

  it('keeps the MTI and the fields before the failure when a later field is bad', () => {
    const bad = Buffer.from(bytes);
    const de41At = bytes.length - 3 - 8;
    bad[de41At + 2] = 0x07; // a control character in the ans field DE 41
    const { message, error } = codec.unpackPartial(bad);
    expect(error).toBeInstanceOf(DecodeError);
    expect(error?.code).toBe('CODEC_BAD_CHAR');
    expect(error?.field).toBe(41);
    expect(error?.offset).toBe(de41At + 2);
    expect(message.mti).toBe('0200');
    expect(message.fields()).toEqual([3, 4, 11]);
    expect(message.get(11)).toBe('000321');
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
