// Load for crash tests: terminals that keep requests in flight against a switch until it goes away,
// every answer kept; and the check that each answer a terminal received has exactly one audit
// record with its response code and RRN. Test-only.

import { expect } from 'vitest';
import { builtinCodec } from '../../src/codec/index.js';
import type { AuditRecord } from './audit-trail.js';
import type { Resources } from './serve-harness.js';
import { cardFor } from './test-cards.js';
import { Terminal, message, purchaseFields } from './terminal.js';

export const crashCodec = builtinCodec('iso87ascii');
const card = cardFor('00', 'load');
/** Requests each load terminal keeps in flight. */
export const WINDOW = 4;

export interface Received {
  tid: string;
  stan: string;
  rc: string;
  rrn: string;
}

export async function connect(resources: Resources, port: number): Promise<Terminal> {
  const t = await Terminal.connect(port, crashCodec);
  resources.add(() => t.close());
  return t;
}

/** A 0100 of the approving load card from terminal `tid`. */
export function purchase(tid: string, amount = 100): ReturnType<typeof message> {
  return message(crashCodec, '0100', purchaseFields(card.pan, card.expiry, amount, { 41: tid }));
}

/**
 * A terminal that keeps WINDOW 0100s in flight, sending the next as each answer comes, until the
 * switch goes away; every answer is kept. `started` settles on the first answer; `sent` resolves
 * with how many it sent once the connection ended.
 */
export function loadTerminal(resources: Resources, port: number, tid: string, received: Received[]): { started: Promise<void>; sent: Promise<number> } {
  let onStarted!: () => void;
  const started = new Promise<void>((resolve) => (onStarted = resolve));
  const sent = (async () => {
    const t = await connect(resources, port);
    let count = 0;
    const sendOne = (): void => {
      t.send(purchase(tid));
      count++;
    };
    for (let i = 0; i < WINDOW; i++) sendOne();
    try {
      for (;;) {
        const res = await t.receive();
        received.push({ tid, stan: String(res.get(11)), rc: String(res.get(39)), rrn: String(res.get(37)) });
        onStarted();
        sendOne();
      }
    } catch {
      return count; // the connection ended: the switch was killed
    }
  })();
  return { started, sent };
}

/** Exactly one record per answer, with the answer's response code and RRN. */
export function expectOneRecordEach(records: AuditRecord[], answers: Received[]): void {
  const byKey = new Map<string, AuditRecord[]>();
  for (const r of records) {
    const key = `${r.request.terminal_id} ${r.request.stan}`;
    byKey.set(key, [...(byKey.get(key) ?? []), r]);
  }
  const missing = answers.filter((a) => {
    const found = byKey.get(`${a.tid} ${a.stan}`) ?? [];
    return found.length !== 1 || found[0].outcome.response_code !== a.rc || found[0].request.rrn !== a.rrn;
  });
  expect(missing, `${missing.length} of ${answers.length} answers without exactly one matching record`).toEqual([]);
}
