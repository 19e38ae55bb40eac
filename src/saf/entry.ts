// The queue's entry: the advice the switch hands over (generic data; the queue knows no codec) and
// what the queue adds (id, state, attempts). Checks an advice before it is queued. No I/O.

import { SafError } from './errors.js';

/** Where an entry stands: `sent` is in flight (marked durable before sending), not yet answered. */
export const SAF_STATES = ['queued', 'sent', 'acknowledged', 'purged'] as const;
export type SafState = (typeof SAF_STATES)[number];

/** Fields never stored, whoever asks: tracks 2, 3 and 1, the PIN block, ICC (EMV) data. */
export const FORBIDDEN_FIELDS: Readonly<Record<number, string>> = Object.freeze({
  35: 'track 2 data', 36: 'track 3 data', 45: 'track 1 data', 52: 'the PIN block', 55: 'ICC data',
});

/** Always sealed (encrypted) on disk when present: the PAN. */
export const ALWAYS_SEALED: readonly number[] = Object.freeze([2]);

/** An advice the switch owes an issuer, as it hands it to `SafQueue.enqueue`. */
export interface SafAdvice {
  /** The issuer's name, as the routes file defines it. */
  readonly issuer: string;
  /** The W3C traceparent of the transaction the advice reverses, or null. */
  readonly traceparent: string | null;
  /** The advice's MTI on its first send: `0420` (`1420` for 1993). A repeat is sent as `0421`. */
  readonly mti: string;
  /** Data elements as text (binary ones as hex: the caller decides), by DE number. */
  readonly fields: Readonly<Record<number, string>>;
  /** Why it is owed: `issuer timeout`, `late approval`, `reversal while link down`, ... */
  readonly reason: string;
  /** Further DEs to seal on disk beside DE 2 (the spec's masked and redacted ones). */
  readonly sensitive?: readonly number[];
  /** When it became owed, ms since the epoch (default: now). */
  readonly createdAt?: number;
}

/** One queued advice as the queue holds it. `fields` are in clear: in memory only. */
export interface SafEntry {
  /** Per-directory sequence: ids grow in the order entries were queued. */
  readonly id: number;
  readonly issuer: string;
  readonly traceparent: string | null;
  readonly mti: string;
  readonly fields: Readonly<Record<number, string>>;
  /** The DEs sealed on disk (DE 2 when present, and those the caller named), ascending. */
  readonly sensitive: readonly number[];
  readonly reason: string;
  /** ms since the epoch. */
  readonly createdAt: number;
  readonly state: SafState;
  /** Sends so far (markSent calls). */
  readonly attempts: number;
  /** ms since the epoch of the last send, or null before the first. */
  readonly lastAttemptAt: number | null;
  /** ms since the epoch before which the caller should not send it again (backoff; retry sets it to now). */
  readonly nextAttemptAt: number;
}

/** The queue's own copy, which it alone changes. */
export type HeldEntry = { -readonly [K in keyof SafEntry]: SafEntry[K] };

/** What the switch sends for `entry` now: its first send as `mti`, any later one as a repeat. */
export interface SafDelivery {
  readonly entry: SafEntry;
  /** `0420` on the first send, `0421` once the entry was marked sent. */
  readonly mti: string;
  readonly isRepeat: boolean;
}

/** The repeat's MTI: the advice's with the last digit 1 (0420 -> 0421, 1420 -> 1421). */
export function repeatMti(mti: string): string {
  return `${mti.slice(0, 3)}1`;
}

/** What `next` or `markSent` hands the caller for `entry`. */
export function deliveryOf(entry: SafEntry, isRepeat: boolean): SafDelivery {
  return { entry, mti: isRepeat ? repeatMti(entry.mti) : entry.mti, isRepeat };
}

const ADVICE_MTI = /^[0-2][0-9]20$/;
const DE_KEY = /^[1-9][0-9]{0,2}$/;

function bad(detail: string): SafError {
  return new SafError('SAF_BAD_ENTRY', `advice to queue: ${detail}`);
}

/**
 * Checks `advice` and returns the DEs to seal. Never echoes a field's value.
 * @throws SafError SAF_FORBIDDEN_FIELD for DE 35, 36, 45, 52 or 55; SAF_BAD_ENTRY for a missing
 *   issuer or reason, an MTI that is not an advice (xx20), a DE outside 1..192, a value that is not text.
 */
export function checkAdvice(advice: SafAdvice): number[] {
  if (typeof advice !== 'object' || advice === null) throw bad('not an object');
  if (typeof advice.issuer !== 'string' || advice.issuer.length === 0) throw bad('issuer must be a non-empty string');
  if (typeof advice.reason !== 'string' || advice.reason.length === 0) throw bad('reason must be a non-empty string');
  if (typeof advice.mti !== 'string' || !ADVICE_MTI.test(advice.mti)) throw bad('mti must be an advice such as 0420 or 1420');
  if (advice.traceparent !== null && typeof advice.traceparent !== 'string') throw bad('traceparent must be a string or null');
  if (advice.createdAt !== undefined && !Number.isFinite(advice.createdAt)) throw bad('createdAt must be ms since the epoch');
  if (typeof advice.fields !== 'object' || advice.fields === null) throw bad('fields must be an object of DE number to text');
  for (const key of Object.keys(advice.fields)) {
    if (!DE_KEY.test(key) || Number(key) > 192) throw bad(`field key "${key.slice(0, 8)}" is not a DE number 1..192`);
    const de = Number(key);
    if (Object.hasOwn(FORBIDDEN_FIELDS, de)) throw new SafError('SAF_FORBIDDEN_FIELD', `advice to queue: field ${de} (${FORBIDDEN_FIELDS[de]}) is never stored`);
    if (typeof advice.fields[de] !== 'string') throw bad(`field ${de} must be text (binary as hex)`);
  }
  const sealed = new Set<number>();
  for (const de of [...ALWAYS_SEALED, ...(advice.sensitive ?? [])]) {
    if (!Number.isInteger(de)) throw bad('sensitive must list DE numbers');
    if (Object.hasOwn(advice.fields, de)) sealed.add(de);
  }
  return [...sealed].sort((a, b) => a - b);
}
