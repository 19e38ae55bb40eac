// Where this package lives and what version it is, for the embedded defaults (fixtures/) and for
// `--version` and the OTLP resource. Reads package.json once, at first use.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root with a trailing slash (the nearest folder up holding package.json), so that the
 * embedded defaults work from any working directory, built (dist/src/cli) or from the sources.
 */
export const PACKAGE_ROOT = ((): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return `${dir}/`;
})();

let version: string | null = null;

/** This package's version, from its package.json. */
export function packageVersion(): string {
  version ??= String((JSON.parse(readFileSync(`${PACKAGE_ROOT}package.json`, 'utf8')) as { version?: unknown }).version ?? '0.0.0');
  return version;
}
