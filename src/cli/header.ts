// The frame header a message may travel with inside its frame (after any length header): none, or
// a 5-byte TPDU. Commands split it off before decoding and put it back when encoding.

import type { MessageSpec } from '../codec/index.js';
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
