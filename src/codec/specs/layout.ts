// Field layouts by kind, as the jPOS packagers name them (NUMERIC, LLNUM, CHAR, LLLBINARY, ...),
// and the wire flavours that turn a kind into a concrete field definition: ASCII (jPOS IFA_*)
// or BCD (jPOS IFB_*). A built-in spec is a layout table plus a flavour. Pure data.

import type { FieldClass, FieldSpec, Prefix, Sensitivity } from '../spec.js';

export type Kind = 'NUMERIC' | 'LLNUM' | 'CHAR' | 'LLCHAR' | 'LLLCHAR' | 'BINARY' | 'LLBINARY' | 'LLLBINARY' | 'AMOUNT';

/** One DE: kind, length (digits, chars or bytes; x+n without its sign), class, name, log treatment. */
export type LayoutRow = readonly [kind: Kind, length: number, cls: FieldClass, name: string, sensitive?: Sensitivity];
export type Layout = Readonly<Record<number, LayoutRow>>;

type Wire = Pick<FieldSpec, 'prefix' | 'data'>;
export type Flavour = Readonly<Record<Kind, Wire>>;

/** jPOS IFA_*: ASCII digits and prefixes, binary as hex-ASCII. */
export const ASCII_FLAVOUR: Flavour = {
  NUMERIC: { prefix: 'fixed', data: 'ascii' },
  LLNUM: { prefix: 'ascii.LL', data: 'ascii' },
  CHAR: { prefix: 'fixed', data: 'ascii' },
  LLCHAR: { prefix: 'ascii.LL', data: 'ascii' },
  LLLCHAR: { prefix: 'ascii.LLL', data: 'ascii' },
  BINARY: { prefix: 'fixed', data: 'hex' },
  LLBINARY: { prefix: 'ascii.LL', data: 'hex' },
  LLLBINARY: { prefix: 'ascii.LLL', data: 'hex' },
  AMOUNT: { prefix: 'fixed', data: 'ascii' },
};

/** jPOS IFB_*: BCD numerics and BCD prefixes, text still ASCII (IF_CHAR, IFB_LLCHAR), raw binary. */
export const BCD_FLAVOUR: Flavour = {
  NUMERIC: { prefix: 'fixed', data: 'bcd' },
  LLNUM: { prefix: 'bcd.LL', data: 'bcd' },
  CHAR: { prefix: 'fixed', data: 'ascii' },
  LLCHAR: { prefix: 'bcd.LL', data: 'ascii' },
  LLLCHAR: { prefix: 'bcd.LLL', data: 'ascii' },
  BINARY: { prefix: 'fixed', data: 'binary' },
  LLBINARY: { prefix: 'bcd.LL', data: 'binary' },
  LLLBINARY: { prefix: 'bcd.LLL', data: 'binary' },
  AMOUNT: { prefix: 'fixed', data: 'bcd' },
};

/** Field definitions for a layout in a flavour. x+n amounts accept sign '0' as jPOS test data carry it. */
export function buildFields(layout: Layout, flavour: Flavour): Record<number, FieldSpec> {
  const out: Record<number, FieldSpec> = {};
  for (const [key, [kind, length, cls, name, sensitive]] of Object.entries(layout)) {
    const wire = flavour[kind];
    const prefix: Prefix = wire.prefix;
    const f: FieldSpec = { name, class: cls, length, prefix, data: wire.data };
    if (cls === 'x+n') f.signs = 'CD0';
    if (sensitive !== undefined) f.sensitive = sensitive;
    out[Number(key)] = f;
  }
  return out;
}
