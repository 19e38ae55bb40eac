// `isotrace replay fixtures/scenarios-iso93` against a real `serve --spec iso93ascii` (port 0,
// issuer timeout 300 ms): every 1993 scenario passes.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { FIXTURES_DIR } from '../helpers/fixtures.js';
import { Resources, serve, type Served } from '../helpers/serve-harness.js';

const resources = new Resources();
let served: Served;

beforeAll(async () => {
  served = await serve(resources, { spec: 'iso93ascii', issuerTimeoutMs: 300 });
});

afterAll(async () => {
  await resources.run();
});

describe('isotrace replay, ISO 8583:1993', () => {
  it('issue #13: passes every step of fixtures/scenarios-iso93 when replayed against serve --spec iso93ascii', async () => {
    const run = await runCli(['replay', join(FIXTURES_DIR, 'scenarios-iso93'), '--spec', 'iso93ascii', '--port', String(served.port)]);
    expect(run.stderr).toBe('');
    expect(run.stdout).not.toContain('✗');
    expect(run.stdout).toMatch(/^40 passed, 0 failed$/m);
    expect(run.code).toBe(0);
  });
});
