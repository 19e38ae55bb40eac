// Reading the admin listener in tests: GET a path of a host's admin port, and one sample's value
// out of the Prometheus text format.

import type { Served } from './serve-harness.js';

/** The admin port of a host started with adminPort 0. */
export function adminPort(sw: Served): number {
  const a = sw.running.admin?.address;
  if (a == null) throw new Error('the host has no admin listener (start it with adminPort: 0)');
  return a.port;
}

/** GET (or `method`) `path` of the admin listener: status, content type and body. */
export async function admin(sw: Served, path: string, method = 'GET'): Promise<{ status: number; type: string; body: string }> {
  const res = await fetch(`http://127.0.0.1:${adminPort(sw)}${path}`, { method });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

/**
 * The value of the sample `name{labels}` in `text` (labels given must all match, in any order);
 * undefined when there is none.
 */
export function sampleOf(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}
