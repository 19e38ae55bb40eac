// Test helpers for the saf layer: temporary saf directories removed after each test, advices
// shaped as the switch will queue them (a test card's PAN, never a literal), the bytes on disk.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { SafQueue, type SafAdvice, type SafQueueOptions } from '../../../src/saf/index.js';
import { cardFor } from '../../helpers/test-cards.js';

const dirs: string[] = [];
const queues: SafQueue[] = [];
afterEach(async () => {
  for (const q of queues.splice(0)) await q.close().catch(() => {});
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A new saf directory path (not yet created), removed after the test. */
export function safDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'isotrace-saf-'));
  dirs.push(dir);
  return join(dir, 'saf');
}

/** The approving test card's PAN. */
export const PAN = cardFor('00').pan;

/** An advice of `issuer`, distinct per `i` (STAN, RRN). */
export function advice(i: number, issuer = 'acme', extra: Partial<SafAdvice> = {}): SafAdvice {
  const stan = String(i).padStart(6, '0');
  return {
    issuer,
    traceparent: `00-${i.toString(16).padStart(32, '0')}-${'b'.repeat(16)}-01`,
    mti: '0420',
    fields: { 2: PAN, 3: '000000', 4: '000000001000', 11: stan, 37: `6327${stan}01`, 38: 'A1B2C3', 39: '00', 41: 'TERM0001', 49: '978' },
    reason: 'issuer timeout',
    ...extra,
  };
}

/** SafQueue.open, closed after the test. */
export async function openQueue(dir: string, options: Partial<SafQueueOptions> = {}): Promise<SafQueue> {
  const queue = await SafQueue.open({ dir, ...options });
  queues.push(queue);
  return queue;
}

/** Every file of `dir` (side files too), concatenated: what a grep of the directory sees. */
export function dirBytes(dir: string): Buffer {
  return Buffer.concat(readdirSync(dir).map((name) => readFileSync(join(dir, name))));
}

/** The log's lines, parsed (a trailing partial line left out). */
export function logEvents(dir: string): Array<Record<string, unknown>> {
  const text = readFileSync(join(dir, 'saf.log'), 'utf8');
  return text.split('\n').slice(0, -1).map((l) => JSON.parse(l) as Record<string, unknown>);
}
