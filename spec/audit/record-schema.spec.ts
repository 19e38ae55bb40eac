// The audit record's published JSON Schema (docs/audit-record.schema.json) against what a real
// switch writes: approvals, declines, an issuer timeout, a reversal, a duplicate, a network
// message, a format error and an unreadable request (its compact record), under the 1987 and the
// 1993 spec; every stored line must validate, and the schema must refuse what is not a record.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditFiles, verifyAudit } from '../../src/audit/index.js';
import type { IsoMessage } from '../../src/codec/index.js';
import { Resources, serve, type Served } from '../helpers/serve-harness.js';
import { cardFor } from '../helpers/test-cards.js';
import { message, networkFields, nextStan, nowDe7, originalData, purchaseFields, type Fields, type Terminal } from '../helpers/terminal.js';

const SCHEMA_PATH = new URL('../../docs/audit-record.schema.json', import.meta.url);

/** The schema compiled by ajv in strict mode: unknown keywords, union types left implicit, and the like fail. */
function compileSchema(): ValidateFunction {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
  return ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as object);
}

/** Every line of every audit file in `dir`, parsed, in chain order. */
async function storedLines(dir: string): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  for (const { name } of await listAuditFiles(dir)) {
    const text = readFileSync(join(dir, name), 'utf8');
    for (const line of text.split('\n')) if (line !== '') out.push(JSON.parse(line) as Record<string, unknown>);
  }
  return out;
}

/** How one edition of the standard spells the transactions of the scenario. */
interface Edition {
  name: string;
  flags: Record<string, unknown>;
  /** A purchase authorization (or with `financial`, a financial request) for `card`. */
  purchase(codec: Served['codec'], card: { pan: string; expiry: string | null }, amountMinor: number, isFinancial?: boolean): IsoMessage;
  /** The reversal (advice) of `original`. */
  reversal(codec: Served['codec'], original: IsoMessage): IsoMessage;
  echo(codec: Served['codec']): IsoMessage;
  approved: string;
  reversed: string;
  echoed: string;
  formatError: string;
  /** The MTI alone, with no bitmap: nothing past it can be read. */
  bareMti: string;
}

const amount = (minor: number): string => String(minor).padStart(12, '0');

/** 1993 fields of a purchase (DE 12 n12, DE 22 an12, DE 24 function code), as iso93ascii defines them. */
function fields93(mti: string, pan: string, amountMinor: number, extra: Fields = {}): Fields {
  return {
    2: pan, 3: '000000', 4: amount(amountMinor), 7: nowDe7(), 11: nextStan(), 12: '261205111500', 22: '600101600000',
    24: mti === '1200' ? '200' : '100', 32: '123456', 41: 'TERM0093', 42: 'MERCHANT0000001', 49: '840', ...extra,
  };
}

const EDITIONS: Edition[] = [
  {
    name: 'ISO 8583:1987 (iso87ascii)',
    flags: {},
    purchase: (codec, card, minor, isFinancial = false) => message(codec, isFinancial ? '0200' : '0100', purchaseFields(card.pan, card.expiry, minor)),
    reversal: (codec, original) => message(codec, '0400', { ...purchaseFields(cardFor('00').pan, null, 3_000), 90: originalData(original) }),
    echo: (codec) => message(codec, '0800', networkFields('301')),
    approved: '00', reversed: '00', echoed: '00', formatError: '30', bareMti: '0100',
  },
  {
    name: 'ISO 8583:1993 (iso93ascii)',
    flags: { spec: 'iso93ascii' },
    purchase: (codec, card, minor, isFinancial = false) => message(codec, isFinancial ? '1200' : '1100', fields93(isFinancial ? '1200' : '1100', card.pan, minor)),
    reversal: (codec, original) => message(codec, '1420', fields93('1420', '', 3_000, {
      2: undefined, 24: '400', 25: '4000', 56: `${original.mti}${String(original.get(11))}${String(original.get(12))}06123456`,
    })),
    echo: (codec) => message(codec, '1804', { 7: nowDe7(), 11: nextStan(), 24: '831', 41: 'TERM0093' }),
    approved: '000', reversed: '400', echoed: '800', formatError: '904', bareMti: '1100',
  },
];

describe.each(EDITIONS)('audit records against docs/audit-record.schema.json, $name', (edition) => {
  const resources = new Resources();
  const validate = compileSchema();
  let sw: Served;
  let t: Terminal;
  let lines: Array<Record<string, unknown>>;

  beforeAll(async () => {
    sw = await serve(resources, { issuerTimeoutMs: 100, ...edition.flags });
    t = await sw.terminal();
    const rc = async (req: IsoMessage): Promise<string | undefined> => String((await t.request(req)).get(39));
    const { codec } = sw;
    const approving = cardFor('00');
    const auth = edition.purchase(codec, approving, 3_000);
    expect(await rc(auth)).toBe(edition.approved);
    expect(await rc(edition.purchase(codec, approving, 2_500, true))).toBe(edition.approved);
    for (const decline of [cardFor('51'), cardFor('14', 'Luhn'), cardFor('91')]) {
      expect(await rc(edition.purchase(codec, decline, 10_000))).not.toBe(edition.approved);
    }
    expect(await rc(edition.reversal(codec, auth))).toBe(edition.reversed);
    const original = edition.purchase(codec, approving, 1_200);
    const first = await t.request(original);
    t.send(original);
    expect((await t.nextAnswer()).bytes).toEqual(codec.pack(first));
    expect(await rc(edition.echo(codec))).toBe(edition.echoed);
    const bad = Buffer.from(codec.pack(edition.purchase(codec, approving, 1_234)));
    bad[bad.indexOf(amount(1_234), 0, 'latin1') + 5] = 0x41; // 'A' in the n 12 amount
    t.sendBytes(bad);
    expect((await t.receive()).get(39)).toBe(edition.formatError);
    t.sendBytes(Buffer.from(edition.bareMti, 'latin1'));
    expect((await t.receive()).get(39)).toBe(edition.formatError);
    await sw.stop();
    lines = await storedLines(sw.auditDir);
  });
  afterAll(() => resources.run());

  it('writes one record per answered request, the chain whole, with every kind the scenario covers', async () => {
    expect(lines).toHaveLength(sw.log.events('txn.done').length);
    expect(await verifyAudit(sw.auditDir, null)).toMatchObject({ ok: true, records: lines.length });
    const kinds = lines.map((r) => ('frame_bytes' in r ? 'compact' : 'full'));
    expect(kinds.filter((k) => k === 'compact')).toHaveLength(1);
    expect(lines.filter((r) => (r.outcome as { duplicate?: boolean }).duplicate === true)).toHaveLength(1);
    expect(lines.filter((r) => r.error !== null).length).toBeGreaterThanOrEqual(3); // timeout, format error, compact
    expect(lines[0]).toHaveProperty('chain');
  });

  it('validates every stored record against the schema', () => {
    for (const [i, record] of lines.entries()) {
      expect(validate(record), `record ${i + 1}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('refuses a record missing a required key, with a key it does not know, or with a clear PAN', () => {
    const full = lines.find((r) => !('frame_bytes' in r) && (r.request as { pan: unknown }).pan !== null)!;
    const compact = lines.find((r) => 'frame_bytes' in r)!;
    const { trace_id: _traceId, ...noTraceId } = full;
    const { frame_bytes: _frameBytes, ...noFrameBytes } = compact;
    const { response_code: _rc, ...outcomeWithoutRc } = full.outcome as Record<string, unknown>;
    const refused: Array<[string, unknown]> = [
      ['a full record without trace_id', noTraceId],
      ['a full record without outcome.response_code', { ...full, outcome: outcomeWithoutRc }],
      ['a compact record without frame_bytes', noFrameBytes],
      ['a full record with an extra key', { ...full, note: 'x' }],
      ['a full record with an extra request key', { ...full, request: { ...(full.request as object), track2: 'x' } }],
      ['a record whose PAN is clear', { ...full, request: { ...(full.request as object), pan: cardFor('00').pan } }],
    ];
    for (const [what, record] of refused) expect(validate(record), what).toBe(false);
    expect(validate(full)).toBe(true);
  });
});
