// What `isotrace serve` logs as it stops: each shutdown event once, in order, ending with
// serve.stopped (the built CLI as a child process; `npm test` builds it first).

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnServe } from '../helpers/child-serve.js';
import { Resources } from '../helpers/serve-harness.js';

const resources = new Resources();
afterEach(() => resources.run());

describe('isotrace serve shutdown log', () => {
  it('issue #13: logs audit.closed once, with the chain head, when stopped with SIGTERM', async () => {
    const auditDir = mkdtempSync(join(tmpdir(), 'isotrace-audit-'));
    const s = await spawnServe(resources, ['--audit-dir', auditDir]);
    s.child.kill('SIGTERM');
    const [code] = await s.exited;
    expect(code).toBe(0);
    const closed = s.lines.filter((l) => l.evt === 'audit.closed');
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatchObject({ records: 0, head: '0'.repeat(64) });
    expect(s.lines.at(-1)?.evt).toBe('serve.stopped');
  });
});
