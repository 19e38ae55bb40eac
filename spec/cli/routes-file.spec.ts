import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRoutesFile } from '../../src/cli/routes-file.js';
import { ConfigError } from '../../src/common/index.js';
import { runCli } from '../helpers/cli.js';
import { FIXTURES_DIR } from '../helpers/fixtures.js';
import { Resources, serve } from '../helpers/serve-harness.js';
import { message, purchaseFields } from '../helpers/terminal.js';
import { CARDS_PATH, ROUTES_PATH, cardFor } from '../helpers/test-cards.js';

const REMOTE_PATH = join(FIXTURES_DIR, 'routes-remote.json');
const ACME = { endpoints: ['tcp://127.0.0.1:9100'], spec: 'iso87binary', framing: 'binary2', traceField: 63 };

const cleanup: (() => void)[] = [];
const resources = new Resources();
afterEach(async () => {
  await resources.run();
  for (const done of cleanup.splice(0)) done();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'isotrace-routes-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function routesFile(json: unknown): string {
  const path = join(tempDir(), 'routes.json');
  writeFileSync(path, JSON.stringify(json));
  return path;
}

describe('loadRoutesFile', () => {
  it('reads routes, issuers and the spec of each remote issuer from the documented example', () => {
    const file = loadRoutesFile(REMOTE_PATH);
    expect([...file.issuers.keys()]).toEqual(['acme', 'globex', 'lab', 'stub']);
    expect([...file.issuerCodecs].map(([name, codec]) => [name, codec.name])).toEqual([['acme', 'iso87binary'], ['globex', 'iso87ascii']]);
    expect(file.routes.lookup('4111111111111111')?.issuer).toBe('acme');
    expect(file.routes.lookup('5500005555555559')?.issuer).toBe('globex');
    expect(file.routes.lookup('4012888888881881')?.issuer).toBe('lab');
  });

  it('works as before for a routes file without issuers: every route goes to the stub', () => {
    const file = loadRoutesFile(ROUTES_PATH);
    expect([...file.issuers.values()]).toEqual([{ type: 'stub', name: 'stub' }]);
    expect(file.issuerCodecs.size).toBe(0);
  });

  it.each([
    [{ routes: [{ bin: '411111', issuer: 'acme' }] }, 'issuer "acme" is not available (available: stub): define it under "issuers", or route to "stub"'],
    [{ issuers: { acme: ACME }, routes: [{ bin: '411111', issuer: 'acmee' }] }, 'issuer "acmee" is not available (available: acme, stub)'],
    [{ issuers: { acme: { ...ACME, spec: 'iso99' } }, routes: [] }, ': issuers.acme.spec: spec iso99: not a built-in spec'],
    [{ issuers: { acme: { ...ACME, traceField: 52 } }, routes: [] }, ': issuers.acme.traceField: DE 52 of spec iso87binary must be a text field of at least 55 characters'],
    [{ issuers: { acme: { ...ACME, connections: 0 } }, routes: [] }, ': issuers.acme.connections: expected an integer in 1..64, got 0'],
    [[{ bin: '411111', issuer: 'stub' }], 'expected a JSON object { "routes": [...], "issuers": {...} }'],
  ])('fails naming the file, the issuer and the key: %j', (json, message) => {
    const path = routesFile(json);
    expect(() => loadRoutesFile(path)).toThrow(ConfigError);
    expect(() => loadRoutesFile(path)).toThrow(`routes ${path}`);
    expect(() => loadRoutesFile(path)).toThrow(message);
  });
});

describe('isotrace serve with issuers in the routes file', () => {
  it('exits 2 with one CONFIG_INVALID line naming the issuer, the key and what is allowed', async () => {
    const path = routesFile({ issuers: { acme: { ...ACME, framing: 'binary3' } }, routes: [{ bin: '411111', issuer: 'acme' }] });
    const r = await runCli(['serve', '--port', '0', '--cards', CARDS_PATH, '--routes', path]);
    expect(r).toEqual({
      code: 2, stdout: '',
      stderr: `isotrace: CONFIG_INVALID routes ${path}: issuers.acme.framing: expected one of ascii4, binary2, binary2-incl, bcd2, hex4, binary4, vmlh, got "binary3"\n`,
    });
  });

  it('with remote issuers, touches neither the audit log nor the store-and-forward queue when its port is taken', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => taken.close());
    const port = (taken.address() as { port: number }).port;
    const auditDir = join(tempDir(), 'audit');
    const safDir = join(tempDir(), 'saf');
    const r = await runCli(['serve', '--port', String(port), '--cards', CARDS_PATH, '--routes', REMOTE_PATH, '--audit-dir', auditDir, '--saf-dir', safDir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^isotrace: SERVER_LISTEN_FAILED .*\n$/);
    expect(existsSync(auditDir)).toBe(false);
    expect(existsSync(safDir)).toBe(false);
  });

  it('answers through a stub issuer defined under another name, as through the stub', async () => {
    const card = cardFor('00');
    const path = routesFile({ issuers: { lab: { type: 'stub' } }, routes: [{ bin: card.pan.slice(0, 6), issuer: 'lab' }] });
    const switch_ = await serve(resources, { routes: path });
    const terminal = await switch_.terminal();
    const answer = await terminal.request(message(switch_.codec, '0100', purchaseFields(card.pan, card.expiry)));
    expect([answer.mti, answer.get(39), typeof answer.get(38)]).toEqual(['0110', '00', 'string']);
  });
});
