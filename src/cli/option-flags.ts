// A command's configuration options as commander flags: `--kebab-name <value>` with its doc, its
// choices, its variable and its default in --help. Shared by serve and issuer.

import type { Command } from 'commander';
import { kebab, type OptionSpec } from './config.js';

/** `: a, b, c` for an option with a fixed set of values its doc line does not already name. */
function choicesOf(o: OptionSpec): string {
  if (o.kind.type !== 'enum' || o.kind.values.every((v) => o.doc.includes(v))) return '';
  return `: ${o.kind.values.join(', ')}`;
}

/** Adds a flag to `command` for each of `options`. */
export function addOptionFlags(command: Command, options: readonly OptionSpec[]): void {
  for (const o of options) {
    const shown = o.default === null ? '' : ` (default: ${String(o.default).replace(/^.*\/fixtures\//, 'fixtures/')})`;
    command.option(`--${kebab(o.name)} <value>`, `${o.doc}${choicesOf(o)}; also ${o.env}${shown}`);
  }
}
