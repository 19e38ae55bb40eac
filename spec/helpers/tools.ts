// The Debian tools some tests run (promtool, prometheus), found on PATH. Test-only.

import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The path of `name` on PATH. @throws naming the package to install when it is missing. */
export function tool(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not in this directory
    }
  }
  throw new Error(`${name} not found on PATH: install Debian's prometheus package (apt-get install -y --no-install-recommends prometheus), as .ci/run does`);
}
