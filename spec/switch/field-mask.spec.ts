// Field masks: the finished transaction's compact form of which data elements a message holds.
// Whatever the set of fields, the audit record's list read from the mask is exactly msg.fields(), in order.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IsoMessage } from '../../src/codec/index.js';
import { REQUEST } from '../../src/audit/index.js';
import { fieldList } from '../../src/audit/record-text.js';
import { FIELD_MASK_LENGTH, pushFieldMask } from '../../src/switch/field-mask.js';

const RUNS = Number(process.env.FC_RUNS ?? 200);

function roundTrip(msg: IsoMessage | null, lead: unknown[] = []): string {
  const flat = [...lead];
  pushFieldMask(flat, msg);
  expect(flat).toHaveLength(lead.length + FIELD_MASK_LENGTH);
  // Only the mask of what FinishedTxn offers is read by the list.
  const masks = { fieldMaskGroups: FIELD_MASK_LENGTH, fieldMask: (_: number, g: number) => flat[lead.length + g] as number };
  return fieldList(masks, REQUEST);
}

function messageWith(des: readonly number[]): IsoMessage {
  const msg = new IsoMessage('0100');
  for (const de of des) msg.set(de, 'x');
  return msg;
}

describe('field masks', () => {
  it('give back the fields of any message, ascending', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 2, max: 192 }), { maxLength: 80 }), (des) => {
      const msg = messageWith(des);
      expect(roundTrip(msg)).toBe(msg.fields().join(','));
    }), { numRuns: RUNS });
  });

  it('hold each group edge: DE 2, 48, 49, 96, 97, 144, 145 and 192', () => {
    const edges = [2, 48, 49, 96, 97, 144, 145, 192];
    expect(roundTrip(messageWith(edges))).toBe(edges.join(','));
    for (const de of edges) expect(roundTrip(messageWith([de]))).toBe(String(de));
  });

  it('never count DE 1, the secondary bitmap flag', () => {
    expect(roundTrip(messageWith([1, 3]))).toBe('3');
  });

  it('are empty for no message and for a message without fields', () => {
    expect(roundTrip(null)).toBe('');
    expect(roundTrip(new IsoMessage('0800'))).toBe('');
  });

  it('are read where they sit in a longer array', () => {
    expect(roundTrip(messageWith([11, 41, 70]), ['a', 1, null])).toBe('11,41,70');
  });
});
