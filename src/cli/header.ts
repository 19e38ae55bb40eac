// The frame header a message may travel with inside its frame (after any length header): none, or
// a 5-byte TPDU. `decode` splits it off before decoding and `encode` puts it back, both defaulting
// to the header the spec usually travels with.

import type { MessageSpec } from '../codec/index.js';
import { DEFAULT_TPDU } from '../sim/index.js';
import { writeTpdu } from '../transport/index.js';
import { UsageError } from './io.js';

export const HEADER_KINDS = ['none', 'tpdu'] as const;
export type HeaderKind = (typeof HEADER_KINDS)[number];

const HEADER_BYTES: Record<HeaderKind, number> = { none: 0, tpdu: 5 };

/** The header kind from --header, or the spec's usual one when the flag is absent. */
export function headerKind(flag: string | undefined, spec: MessageSpec): HeaderKind {
  if (flag === undefined) return spec.header ?? 'none';
  if (!(HEADER_KINDS as readonly string[]).includes(flag)) throw new UsageError(`--header must be one of ${HEADER_KINDS.join(', ')} (got "${flag}")`);
  return flag as HeaderKind;
}

/** Bytes the header takes in front of the message. */
export function headerBytes(kind: HeaderKind): number {
  return HEADER_BYTES[kind];
}

/**
 * Writes the header of `kind` into the first headerBytes(kind) bytes of `packed`: `given` (already
 * checked to be that long), or with none given the TPDU `terminal`, `load` and `replay` send
 * (6000120000: protocol 60, destination NII 012, source 0000).
 */
export function writeHeader(kind: HeaderKind, given: Buffer | null, packed: Buffer): void {
  if (kind === 'none') return;
  if (given !== null) given.copy(packed, 0);
  else writeTpdu(packed, 0, DEFAULT_TPDU);
}
