// `isotrace issuer` handles a reversal only after the frames its connection sent before it: the
// MTI class read from the frame in each MTI encoding, and the order kept per connection.

import { describe, expect, it } from 'vitest';
import { isReversalFrame, orderReversals } from '../../src/cli/reversal-order.js';
import { builtinCodec, IsoMessage } from '../../src/codec/index.js';
import type { ConnectionContext } from '../../src/transport/index.js';

const ASCII = builtinCodec('iso87ascii');
const BCD = builtinCodec('iso87binary');

const packed = (codec: typeof ASCII, mti: string): Buffer => codec.pack(new IsoMessage(mti).set(11, '000001').set(41, 'TERM0001'));

describe('isReversalFrame', () => {
  it.each([
    ['iso87ascii', ASCII], ['iso87binary (BCD MTI)', BCD],
  ] as const)('tells reversals (0400, 0420, 0421) from other messages in %s', (_name, codec) => {
    expect(['0400', '0420', '0421', '1420', '0100', '0200', '0800', '0410'].map((mti) => isReversalFrame(codec, packed(codec, mti))))
      .toEqual([true, true, true, true, false, false, false, true]);
  });

  it('is false for a frame too short to hold an MTI', () => {
    expect([isReversalFrame(ASCII, Buffer.from('04')), isReversalFrame(BCD, Buffer.from([0x04]))]).toEqual([false, false]);
  });
});

describe('orderReversals', () => {
  /** A handler whose answers the test releases, recording the MTIs in the order it was called. */
  function scripted(): { calls: string[]; release: Map<string, () => void>; handler: Parameters<typeof orderReversals>[0] } {
    const calls: string[] = [];
    const release = new Map<string, () => void>();
    const handler = (frame: Buffer): Promise<Uint8Array | null> => {
      const mti = frame.toString('latin1', 0, 4);
      calls.push(mti);
      return new Promise((resolve) => release.set(mti, () => resolve(frame)));
    };
    return { calls, release, handler };
  }
  const conn = (): ConnectionContext => ({}) as ConnectionContext;

  it('issue #15: holds a reversal until the requests before it on its connection are handled; other messages and connections go at once', async () => {
    const { calls, release, handler } = scripted();
    const ordered = orderReversals(handler, ASCII);
    const a = conn();
    const original = ordered(packed(ASCII, '0100'), a) as Promise<Uint8Array | null>;
    const advice = Promise.resolve(ordered(packed(ASCII, '0420'), a));
    void ordered(packed(ASCII, '0200'), a);
    void ordered(packed(ASCII, '0400'), conn()); // another connection: nothing before it
    expect(calls).toEqual(['0100', '0200', '0400']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual(['0100', '0200', '0400']); // the advice waits for the 0100
    release.get('0100')!();
    await original;
    await new Promise((resolve) => setImmediate(resolve));
    // Only what came before it holds it: the 0200 after it is still in flight.
    expect(calls).toEqual(['0100', '0200', '0400', '0420']);
    release.get('0420')!();
    expect(Buffer.from((await advice)!).toString('latin1', 0, 4)).toBe('0420');
  });

  it('hands a held reversal a copy of its frame, which the transport may reuse once the handler returns', async () => {
    const { calls, release, handler } = scripted();
    const ordered = orderReversals(handler, ASCII);
    const a = conn();
    void ordered(packed(ASCII, '0100'), a);
    const frame = packed(ASCII, '0420');
    const advice = Promise.resolve(ordered(frame, a));
    frame.fill(0x39);
    release.get('0100')!();
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual(['0100', '0420']);
    release.get('0420')!();
    expect(ASCII.unpack(Buffer.from((await advice)!)).mti).toBe('0420');
  });
});
