// The runtime guard readAudit applies to each parsed line: a record passes when it has every key
// the readers dereference, and each missing or mistyped one is named.

import { describe, expect, it } from 'vitest';
import { auditRecordProblem, isCompactRecord, isStoredAuditRecord } from '../../src/audit/index.js';
import { sampleRecord } from './helpers/audit-fixtures.js';

const sealed = (r: Record<string, unknown>): Record<string, unknown> => ({ ...r, prev: '0'.repeat(64), hash: 'a'.repeat(64) });

/** `sampleRecord(1)` sealed, with `key` set to `value` (undefined: removed). */
function without(key: string, value?: unknown): Record<string, unknown> {
  const r = sealed(sampleRecord(1));
  if (value === undefined) delete r[key];
  else r[key] = value;
  return r;
}

describe('auditRecordProblem', () => {
  it('accepts a full record and a compact one', () => {
    const compact = sealed({
      id: 'x', trace_id: 't', received_at: 'r', completed_at: 'c', duration_us: 1, source: { conn_id: '1', remote: 'a:1' }, frame_bytes: 4,
      request: { mti: '0100' }, outcome: { response_code: '30' }, response: { mti: '0110' }, error: { code: 'CODEC_TRUNCATED', field: 'bitmap', offset: 4 },
    });
    expect([auditRecordProblem(sealed(sampleRecord(1))), auditRecordProblem(compact)]).toEqual([null, null]);
    if (!isStoredAuditRecord(compact)) throw new Error('compact record refused');
    expect(isCompactRecord(compact)).toBe(true);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no id', without('id'), 'no id string'],
    ['a numeric trace id', without('trace_id', 7), 'no trace_id string'],
    ['no received_at', without('received_at'), 'no received_at string'],
    ['no request', without('request'), 'no request.mti string'],
    ['an outcome without response code', without('outcome', { reason: 'x' }), 'no outcome.response_code string'],
    ['no source', without('source'), 'no source object'],
    ['an error as bare text', without('error', 'ISSUER_TIMEOUT'), 'error neither null nor an object'],
    ['stages without names', without('stages', [{ start_us: 1 }]), 'no stages array of named stages'],
    ['no hash', without('hash'), 'no prev and hash strings'],
  ])('names what is wrong when a record has %s', (_what, record, problem) => {
    expect(auditRecordProblem(record)).toBe(problem);
    expect(isStoredAuditRecord(record)).toBe(false);
  });
});
