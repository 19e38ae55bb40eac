// `isotrace terminal` with --spec iso93ascii against `serve --spec iso93ascii`: every action goes
// out in 1993 (1100, 1200, 1420 with DE 56, 1804 with DE 24) and is answered with action codes.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { Resources, serve, type Served } from '../helpers/serve-harness.js';
import { cardFor } from '../helpers/test-cards.js';

const resources = new Resources();
afterEach(() => resources.run());

let stateDir = '';
beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'isotrace-terminal93-'));
  resources.add(() => rmSync(stateDir, { recursive: true, force: true }));
});

const serve93 = (): Promise<Served> => serve(resources, { spec: 'iso93ascii' });

function terminal(served: Served, action: string, ...more: string[]): ReturnType<typeof runCli> {
  return runCli(['terminal', action, '--spec', 'iso93ascii', '--port', String(served.port), '--state-dir', stateDir, '--audit-dir', served.auditDir, ...more]);
}

async function json(served: Served, action: string, ...more: string[]): Promise<Record<string, any>> {
  const run = await terminal(served, action, '--json', ...more);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as Record<string, any>;
}

describe('isotrace terminal --spec iso93ascii', () => {
  it('issue #13: says an answer came that did not decode, not only that none came, when the switch speaks 1987', async () => {
    const served = await serve(resources); // iso87ascii: it answers the 1100 in its own layout
    const run = await terminal(served, 'auth', '--timeout', '1s');
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 1, stdout: '' });
    expect(run.stderr).toBe(`isotrace: REQUEST_TIMEOUT no response within 1000 ms, but 1 frame arrived that did not decode with spec iso93ascii: the peer speaks another spec or edition (127.0.0.1:${served.port})\n`);
  });

  it('issue #13: prints MTI 1100 and 1110 and "RC 000 approved" when an auth is approved', async () => {
    const served = await serve93();
    const run = await terminal(served, 'auth');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('MTI 1100');
    expect(run.stdout).toContain('MTI 1110');
    expect(run.stdout).toMatch(/^RC 000 approved$/m);
    expect(run.stdout).toMatch(/^trace_id [0-9a-f]{32}$/m);
    expect(run.stdout).not.toContain(cardFor('00').pan);
  });

  it('issue #13: sends 1993 field formats and gets 1210 with 000 when a purchase is approved', async () => {
    const served = await serve93();
    const res = await json(served, 'purchase');
    const sent = res.request.fields;
    expect(res.request.mti).toBe('1200');
    expect(sent['12']).toMatch(/^\d{12}$/);
    expect(sent['22']).toMatch(/^[0-9A-Z]{12}$/);
    expect(sent['24']).toBe('200');
    expect(sent['13']).toBeUndefined();
    expect([res.response.mti, res.rc, res.meaning]).toEqual(['1210', '000', 'approved']);
  });

  it('issue #13: reverses the last auth with a 1420 carrying DE 56 and gets 400 in a 1430', async () => {
    const served = await serve93();
    const auth = await json(served, 'auth');
    const rev = await json(served, 'reverse');
    const a = auth.request.fields;
    expect(rev.request.mti).toBe('1420');
    expect(rev.request.fields['56']).toBe(`1100${a['11']}${a['12']}06123456`);
    expect(rev.request.fields['90']).toBeUndefined();
    expect([rev.response.mti, rev.rc, rev.meaning]).toEqual(['1430', '400', 'accepted (reversal)']);
  });

  it('issue #13: reverses an earlier auth by --stan with its own DE 56 and releases its hold', async () => {
    const served = await serve93();
    const card = cardFor('51'); // USD 5.00 available
    const auth = (amount: string): Promise<Record<string, any>> => json(served, 'auth', '--pan', card.pan, '--amount', amount);
    const first = await auth('3.00');
    await auth('1.00');
    expect((await auth('2.00')).rc).toBe('116'); // insufficient funds: 1.00 left
    const rev = await json(served, 'reverse', '--pan', card.pan, '--stan', first.request.fields['11']);
    const f = first.request.fields;
    expect(rev.request.fields['56']).toBe(`1100${f['11']}${f['12']}06123456`);
    expect(rev.request.fields['4']).toBe(f['4']);
    expect([rev.response.mti, rev.rc]).toEqual(['1430', '400']);
    expect((await auth('2.00')).rc).toBe('000'); // the first auth's 3.00 came back
  });

  it.each([
    ['echo', '831'],
    ['signon', '801'],
  ])('issue #13: sends %s as an 1804 with DE 24 %s and gets an 1814 with 800', async (action, code) => {
    const served = await serve93();
    const res = await json(served, action);
    expect([res.request.mti, res.request.fields['24'], res.request.fields['70']]).toEqual(['1804', code, undefined]);
    expect([res.response.mti, res.rc, res.meaning]).toEqual(['1814', '800', 'accepted (network management)']);
  });

  it('issue #13: names a 1993 decline by its meaning', async () => {
    const served = await serve93();
    const res = await json(served, 'auth', '--pan', cardFor('51').pan, '--amount', '100.00');
    expect([res.rc, res.meaning]).toEqual(['116', 'not sufficient funds']);
  });

  it('issue #13: lists the 1993 approvals with audit list --rc 000', async () => {
    const served = await serve93();
    await json(served, 'auth');
    await json(served, 'auth', '--pan', cardFor('51').pan, '--amount', '100.00');
    const run = await runCli(['audit', 'list', '--dir', served.auditDir, '--rc', '000', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const rows = JSON.parse(run.stdout) as Array<{ outcome: { response_code: string } }>;
    expect(rows.map((r) => r.outcome.response_code)).toEqual(['000']);
    const table = (await runCli(['audit', 'list', '--dir', served.auditDir])).stdout.split('\n');
    // The RC column is as wide as an action code: the MS column still lines up under its title.
    const msEnd = table[0].indexOf('MS') + 2;
    for (const row of table.slice(1, 3)) expect(row.slice(msEnd - 5, msEnd), row).toMatch(/^ *\d+\.\d\d$/);
  });
});
