import { describe, expect, it } from 'vitest';
import { Codec, IsoMessage, builtinCodec, builtinSpec, transmissionTime, type MessageSpec } from '../../src/codec/index.js';
import {
  IssuerMapping, MappingError, reversalAdvice, toIssuerRequest, toTerminalAnswer, type IssuerMappingOptions,
} from '../../src/issuer/index.js';
import { caseBytes, fixtureCodec, listCases } from '../helpers/fixtures.js';

const POS = builtinCodec('iso87pos');
const ASCII = builtinCodec('iso87ascii');
const BINARY = builtinCodec('iso87binary');
const ISO93 = builtinCodec('iso93ascii');
const NOW = new Date(Date.UTC(2026, 11, 5, 4, 30, 15));
const DE7 = '1205043015';
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function mapping(terminal: Codec, issuer: Codec, more: Partial<IssuerMappingOptions> = {}): IssuerMapping {
  return new IssuerMapping({ terminal, issuer, acquirerId: '4000001', institutionId: '9000001', traceField: { de: 63, tag: null }, ...more });
}

/** A golden fixture request of iso87pos, decoded with its TPDU. */
function posCase(name: string): IsoMessage {
  const c = listCases('iso87pos').find((x) => x.name === name)!;
  const { header, message } = caseBytes(c);
  const msg = fixtureCodec('iso87pos').unpack(message);
  msg.header = header;
  return msg;
}

/** `msg` packed with `codec` and read back: what the far end decodes. */
function overTheWire(codec: Codec, msg: IsoMessage): IsoMessage {
  return codec.unpack(codec.pack(msg));
}

/** The issuer's answer to `sent`, as an issuer host builds it: echoes, its own fields, and the trace field it was sent. */
function issuerAnswer(sent: IsoMessage, issuer: Codec, fields: Record<number, string | Buffer>): IsoMessage {
  const res = new IsoMessage(`${sent.mti.slice(0, 2)}${Number(sent.mti[2]) + 1}0`);
  for (const de of [2, 3, 4, 7, 11, 12, 13, 32, 33, 37, 41, 42, 49, 63]) if (sent.has(de)) res.set(de, sent.get(de)!);
  for (const [de, v] of Object.entries(fields)) res.set(Number(de), v);
  return overTheWire(issuer, res);
}

describe('toIssuerRequest', () => {
  it.each([
    ['0100-chip-pin', 'iso87ascii'],
    ['0100-chip-pin', 'iso87binary'],
    ['0200-contactless-long-tlv', 'iso87ascii'],
    ['0200-contactless-long-tlv', 'iso87binary'],
    ['0100-amex-keyed-odd-pan', 'iso87ascii'],
    ['0400-reversal-track2-max', 'iso87binary'],
  ])('re-packs the iso87pos request %s field by field for %s with the link\'s STAN and DE 7, and no TPDU', (name, issuerSpec) => {
    const issuer = builtinCodec(issuerSpec);
    const req = posCase(name);
    req.set(63, TRACEPARENT); // a terminal that sends a value in the link's trace field
    const m = mapping(POS, issuer);
    const out = overTheWire(issuer, toIssuerRequest(req, m, { stan: '000777', now: NOW, rrn: '634904000001' }));
    expect(out.mti).toBe(req.mti);
    expect(out.header).toBeNull();
    expect([out.get(11), out.get(7)]).toEqual(['000777', DE7]);
    expect(out.get(32)).toBe(req.get(32) ?? '4000001');
    expect(out.get(33)).toBe('9000001');
    expect(out.get(37)).toBe(req.get(37) ?? '634904000001');
    expect(out.has(63)).toBe(false);
    expect(out.has(52)).toBe(false);
    for (const de of [2, 3, 4, 12, 13, 14, 22, 23, 24, 25, 35, 41, 42, 49]) expect(out.get(de), `DE ${de}`).toEqual(req.get(de));
    if (req.has(55)) {
      const icc = out.get(55)!;
      expect(issuer === ASCII ? Buffer.from(icc as string, 'hex') : icc).toEqual(req.get(55));
    }
  });

  it('forwards the PIN block when the issuer is configured to, and a terminal trace value never', () => {
    const req = posCase('0100-chip-pin').set(63, TRACEPARENT);
    const out = toIssuerRequest(req, mapping(POS, BINARY, { pinBlock: 'forward' }), { stan: '000001', now: NOW, rrn: '634904000001' });
    expect(out.get(52)).toEqual(req.get(52));
    expect(out.has(63)).toBe(false);
    const untraced = toIssuerRequest(req, mapping(POS, BINARY, { traceField: null }), { stan: '000001', now: NOW, rrn: '634904000001' });
    expect(untraced.get(63)).toBe(TRACEPARENT);
  });

  it('keeps DE 32, 33 and 37 the terminal sent, and fills none the issuer\'s spec lacks or the definition leaves unset', () => {
    const req = posCase('0100-amex-keyed-odd-pan').set(32, '123456').set(33, '654321').set(37, 'ABC123456789');
    const out = toIssuerRequest(req, mapping(POS, ASCII), { stan: '000001', now: NOW, rrn: '634904000001' });
    expect([out.get(32), out.get(33), out.get(37)]).toEqual(['123456', '654321', 'ABC123456789']);
    const bare = toIssuerRequest(posCase('0100-amex-keyed-odd-pan'), mapping(POS, ASCII, { acquirerId: null, institutionId: null }), { stan: '000001', now: NOW, rrn: '634904000001' });
    expect([bare.has(32), bare.has(33), bare.get(37)]).toEqual([false, false, '634904000001']);
  });

  it('names a reversal\'s original by what the issuer was sent, not by the terminal\'s leg', () => {
    const m = mapping(POS, ASCII);
    const auth = posCase('0100-amex-keyed-odd-pan');
    const sent = toIssuerRequest(auth, m, { stan: '000501', now: NOW, rrn: '634904000001' });
    const reversal = new IsoMessage('0400').set(2, auth.get(2)!).set(3, '000000').set(4, auth.get(4)!).set(11, '000044').set(41, 'TERM0001')
      .set(90, `0100000043${'0612103015'}${'0'.repeat(22)}`);
    const out = overTheWire(ASCII, toIssuerRequest(reversal, m, { stan: '000502', now: NOW, rrn: '634904000001', original: sent }));
    expect(out.get(90)).toBe(`0100000501${DE7}00004000001${'00009000001'}`);
    expect(toIssuerRequest(reversal, m, { stan: '000503', now: NOW, rrn: '634904000001' }).has(90)).toBe(false);
  });

  it.each([
    ['a field the issuer\'s spec does not define', ASCII, () => new IsoMessage('0100').set(11, '000001').set(48, 'TAG01'), 48, 'field 48: not defined by the issuer\'s spec (spec iso87small)'],
    ['a value too long for the issuer\'s field', ASCII, () => new IsoMessage('0100').set(11, '000001').set(43, 'A'.repeat(41)), 43, 'field 43: does not fit: length 41 exceeds max 30 (spec iso87small)'],
    ['a character outside the issuer\'s class', ASCII, () => new IsoMessage('0100').set(11, '000001').set(42, 'MERCH-01'), 42, 'field 42: does not fit: character outside class an (spec iso87small)'],
    ['binary ICC data the issuer\'s text field has no room for in hex', POS, () => new IsoMessage('0100').set(11, '000001').set(55, Buffer.from('9F02060000000012509F1A0208405F2A020840', 'hex')), 55, 'field 55: does not fit: length 38 exceeds max 32 (spec iso87small)'],
  ])('fails naming the field for %s', (_what, terminal, request, field, message) => {
    const err = thrown(() => toIssuerRequest(request(), mapping(terminal, SMALL), { stan: '000001', now: NOW, rrn: '634904000001' }));
    expect(err).toBeInstanceOf(MappingError);
    expect(err).toMatchObject({ code: 'ISSUER_FIELD_UNMAPPABLE', field, spec: 'iso87small', message });
  });

  it('fails naming DE 90 when the original it is to name lacks its STAN or DE 7', () => {
    const original = new IsoMessage('0100').set(11, '000501');
    const err = thrown(() => toIssuerRequest(new IsoMessage('0400').set(11, '000001'), mapping(POS, ASCII), { stan: '000002', now: NOW, rrn: '1', original }));
    expect(err).toMatchObject({ name: 'MappingError', code: 'ISSUER_ORIGINAL_INCOMPLETE', field: 90, message: 'field 90: the original lacks DE 7 (10 digits) to name it by (spec iso87ascii)' });
  });

  it('text that is not hex cannot become a binary field', () => {
    const err = thrown(() => toIssuerRequest(new IsoMessage('0100').set(11, '000001').set(55, 'not hex'), mapping(ASCII, BINARY), { stan: '000001', now: NOW, rrn: '1' }));
    expect(err).toMatchObject({ code: 'ISSUER_FIELD_UNMAPPABLE', field: 55, message: 'field 55: text that is not hex cannot become the binary field (spec iso87binary)' });
  });
});

describe('toTerminalAnswer', () => {
  it.each(['iso87ascii', 'iso87binary'])('gives the iso87pos terminal its own DE 11, 7, TPDU and echoes, with the issuer\'s 38, 39, 44, 54 and 55 (%s)', (issuerSpec) => {
    const issuer = builtinCodec(issuerSpec);
    const req = posCase('0100-chip-pin').set(7, '1205042959');
    const m = mapping(POS, issuer);
    const sent = overTheWire(issuer, toIssuerRequest(req, m, { stan: '000777', now: NOW, rrn: '634904000001' }).set(63, TRACEPARENT));
    const script = Buffer.from('910A112233445566778899007200', 'hex');
    const answer = issuerAnswer(sent, issuer, { 38: 'A1B2C3', 39: '00', 44: 'R', 54: '1002840C000000012345', 55: issuer === ASCII ? script.toString('hex').toUpperCase() : script });
    const out = overTheWire(POS, toTerminalAnswer(answer, req, m));
    expect(out.mti).toBe('0110');
    expect(toTerminalAnswer(answer, req, m).header).toEqual(req.header);
    expect([out.get(11), out.get(7), out.get(41), out.get(42)]).toEqual(['000042', '1205042959', 'TERM0001', 'MERCH0000000001']);
    expect([out.get(37), out.get(38), out.get(39), out.get(44), out.get(54)]).toEqual(['634904000001', 'A1B2C3', '00', 'R', '1002840C000000012345']);
    expect(out.get(55)).toEqual(script);
    for (const de of [35, 52, 63]) expect(out.has(de), `DE ${de}`).toBe(false);
  });

  it('echoes a reversal\'s DE 90 and leaves out what the terminal\'s spec cannot carry', () => {
    const reversal = new IsoMessage('0400').set(11, '000044').set(41, 'TERM0001').set(90, `0100000043${'0612103015'}${'0'.repeat(22)}`);
    const answer = new IsoMessage('0410').set(11, '000502').set(39, '00').set(44, 'X').set(63, TRACEPARENT);
    const out = toTerminalAnswer(answer, reversal, mapping(SMALL_NO_44, ASCII));
    expect(out.get(90)).toBe(reversal.get(90));
    expect([out.get(11), out.get(39), out.has(44), out.has(63)]).toEqual(['000044', '00', false, false]);
  });

  it.each([
    ['an issuer answer without DE 39', new IsoMessage('0110').set(11, '000001'), 39, "field 39: the issuer's answer has no response code (spec iso87ascii)"],
    ['a DE 44 longer than the terminal\'s field', new IsoMessage('0110').set(39, '05').set(44, 'A'.repeat(99)), 44, 'field 44: does not fit: length 99 exceeds max 25 (spec iso87ascii)'],
  ])('fails naming the field for %s', (_what, answer, field, message) => {
    const err = thrown(() => toTerminalAnswer(answer, new IsoMessage('0100').set(11, '000001'), mapping(ASCII, ISO93)));
    expect(err).toMatchObject({ name: 'MappingError', code: 'ISSUER_FIELD_UNMAPPABLE', field, message });
  });
});

describe('1993 terminals and 1987 issuer links', () => {
  const m = mapping(ISO93, BINARY);
  const req = ISO93.unpack(ISO93.pack(new IsoMessage('1100').set(2, '4111111111111111').set(3, '000000').set(4, '000000012500')
    .set(7, '1205042959').set(11, '000321').set(12, '261205103015').set(22, '600101600000').set(24, '100').set(32, '123456')
    .set(41, 'TERM0001').set(42, 'MERCH0000000001').set(43, 'SHOP 1 BERLIN').set(49, '978')));

  it('sends an 0100 with 1987 local time fields and only the fields that mean the same in both editions', () => {
    const out = overTheWire(BINARY, toIssuerRequest(req, m, { stan: '000001', now: NOW, rrn: '634904000001' }));
    expect(out.mti).toBe('0100');
    expect([out.get(12), out.get(13)]).toEqual(['103015', '1205']);
    expect([out.has(22), out.has(24)]).toEqual([false, false]);
    expect([out.get(2), out.get(4), out.get(43), out.get(49)]).toEqual(['4111111111111111', '000000012500', 'SHOP 1 BERLIN'.padEnd(40), '978']);
  });

  it.each([
    ['00', '1110', '000'],
    ['51', '1110', '116'],
    ['91', '1110', '907'],
    ['00', '1430', '400'],
  ])('answers the 1993 terminal issuer code %s as %s with action code %s', (rc, mti, action) => {
    const request = mti === '1430' ? new IsoMessage('1420').set(11, '000322').set(41, 'TERM0001') : req;
    const out = overTheWire(ISO93, toTerminalAnswer(new IsoMessage('0110').set(39, rc), request, m));
    expect([out.mti, out.get(39)]).toEqual([mti, action]);
  });

  it.each([['000', '00'], ['116', '51'], ['911', '91'], ['400', '00'], ['101', '54'], ['199', '05']])(
    'answers a 1987 terminal the 1993 issuer\'s action code %s as %s', (action, rc) => {
      const out = toTerminalAnswer(new IsoMessage('1110').set(39, action), new IsoMessage('0100').set(11, '000001'), mapping(ASCII, ISO93));
      expect([out.mti, out.get(39)]).toEqual(['0110', rc]);
    },
  );
});

describe('reversalAdvice', () => {
  const m = mapping(POS, ASCII);
  const sent = toIssuerRequest(posCase('0100-chip-pin').set(63, TRACEPARENT), m, { stan: '000501', now: NOW, rrn: '634904000001' }).set(63, TRACEPARENT);

  it('builds the 0420 an issuer is owed after a timeout: DE 90 from the original as sent, reason 68, no card secrets', () => {
    const later = new Date(NOW.getTime() + 3000);
    const advice = overTheWire(ASCII, reversalAdvice(sent, null, 'timeout', m, { stan: '000502', now: later }));
    expect(advice.mti).toBe('0420');
    expect([advice.get(11), advice.get(7), advice.get(39)]).toEqual(['000502', transmissionTime(later), '68']);
    expect(advice.get(90)).toBe(`0100000501${DE7}00004000001${'00009000001'}`);
    expect(advice.get(2)).toBe('4111111111111111');
    expect([advice.get(4), advice.get(37), advice.get(41), advice.get(63)]).toEqual(['000000012500', '634904000001', 'TERM0001', TRACEPARENT]);
    for (const de of [14, 35, 38, 52, 55]) expect(advice.has(de), `DE ${de}`).toBe(false);
  });

  it('carries the approval code of an approved original, and the reason the caller gives', () => {
    const answer = new IsoMessage('0110').set(38, 'A1B2C3').set(39, '00');
    const advice = reversalAdvice(sent, answer, 'cancellation', m, { stan: '000503', now: NOW });
    expect([advice.get(38), advice.get(39)]).toEqual(['A1B2C3', '17']);
  });

  it('is an 1420 with DE 56 and the reason in DE 25 on a 1993 link', () => {
    const m93 = mapping(ISO93, ISO93);
    const original = new IsoMessage('1100').set(2, '4111111111111111').set(4, '000000001000').set(11, '000601').set(12, '261205103015').set(32, '123456').set(41, 'TERM0001');
    const advice = overTheWire(ISO93, reversalAdvice(original, null, 'timeout', m93, { stan: '000602', now: NOW }));
    expect([advice.mti, advice.get(56), advice.get(25), advice.has(39)]).toEqual(['1420', '110000060126120510301506123456', '4021', false]);
  });

  it('fails naming DE 90 when the original lacks its STAN', () => {
    const err = thrown(() => reversalAdvice(new IsoMessage('0100').set(7, DE7), null, 'timeout', m, { stan: '000001', now: NOW }));
    expect(err).toMatchObject({ code: 'ISSUER_ORIGINAL_INCOMPLETE', field: 90, message: 'field 90: the original lacks DE 11 (6 digits) to name it by (spec iso87ascii)' });
  });
});

/** A smaller 1987 ASCII issuer spec: no DE 48, DE 42 an, DE 43 LL 30, DE 55 LLL 32. */
const SMALL = new Codec(narrowed('iso87small', (f) => {
  delete f[48];
  f[42] = { ...f[42], class: 'an' };
  f[43] = { ...f[43], prefix: 'ascii.LL', length: 30 };
  f[55] = { ...f[55], length: 32 };
}));
/** An iso87ascii terminal spec without DE 44. */
const SMALL_NO_44 = new Codec(narrowed('iso87no44', (f) => delete f[44]));

function narrowed(name: string, edit: (fields: MessageSpec['fields']) => void): MessageSpec {
  const base = builtinSpec('iso87ascii');
  const fields = { ...base.fields };
  edit(fields);
  return { ...base, name, fields };
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}
