// Options several commands share: --spec, --header and --framing, built and checked the same way
// everywhere.

import { Option } from 'commander';
import { builtinSpecNames } from '../codec/index.js';
import { FRAMINGS, type Framing } from '../transport/index.js';
import { HEADER_KINDS } from './header.js';
import { UsageError } from './io.js';

/** --spec NAME|PATH, default iso87ascii. */
export function specOption(): Option {
  return new Option('--spec <name|path>', `message spec: ${builtinSpecNames().join(', ')}, or a JSON spec file`).default('iso87ascii');
}

/** --header none|tpdu; absent means the spec's usual header. */
export function headerOption(): Option {
  return new Option('--header <kind>', "header inside the frame before the MTI (default: the spec's usual one)").choices([...HEADER_KINDS]);
}

/** --framing NAME, one of the transport's length headers; `dflt` when given. */
export function framingOption(help: string, dflt?: Framing): Option {
  const option = new Option('--framing <name>', help).choices([...FRAMINGS]);
  return dflt === undefined ? option : option.default(dflt);
}

/**
 * `text` as a framing. Commander checks the flag's choices already; this types it, and checks a
 * value that came from elsewhere (a scenario file, a library caller).
 * @throws UsageError CLI_BAD_VALUE naming `where` when `text` is not a framing.
 */
export function framingOf(text: string, where = '--framing'): Framing {
  if (!(FRAMINGS as readonly string[]).includes(text)) throw new UsageError(`${where} must be one of ${FRAMINGS.join(', ')} (got "${text}")`);
  return text as Framing;
}
