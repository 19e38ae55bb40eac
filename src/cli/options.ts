// Options several commands share: --spec and --header, built the same way everywhere.

import { Option } from 'commander';
import { builtinSpecNames } from '../codec/index.js';
import { HEADER_KINDS } from './header.js';

/** --spec NAME|PATH, default iso87ascii. */
export function specOption(): Option {
  return new Option('--spec <name|path>', `message spec: ${builtinSpecNames().join(', ')}, or a JSON spec file`).default('iso87ascii');
}

/** --header none|tpdu; absent means the spec's usual header. */
export function headerOption(): Option {
  return new Option('--header <kind>', "header inside the frame before the MTI (default: the spec's usual one)").choices([...HEADER_KINDS]);
}
