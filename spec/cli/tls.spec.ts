// TLS end to end (issue #16): serve over TLS answered by `isotrace terminal --tls`, mutual TLS
// (no certificate, another CA's, the right one), openssl s_client as an independent client, TLS 1.1
// refused, `load` and `replay` over TLS, and the start-up errors of the TLS options.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createConnection } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issuerConfig } from '../../src/cli/issuer-options.js';
import { serveConfig } from '../../src/cli/serve-config.js';
import { runCli } from '../helpers/cli.js';
import { FIXTURES_DIR } from '../helpers/fixtures.js';
import { serve, Resources, type Served } from '../helpers/serve-harness.js';
import { message, networkFields } from '../helpers/terminal.js';
import { admin, sampleOf } from '../helpers/metrics-text.js';
import { certsForThisFile } from '../helpers/test-certs.js';

const resources = new Resources();
afterEach(() => resources.run());
const certs = certsForThisFile();
let stateDir = '';
beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'isotrace-tls-terminal-'));
  resources.add(() => rmSync(stateDir, { recursive: true, force: true }));
});

/** serve over TLS with `clientAuth`, in-process. */
function tlsServe(clientAuth = 'none', flags: Record<string, unknown> = {}): Promise<Served> {
  return serve(resources, { tlsCert: certs().serverCert, tlsKey: certs().serverKey, tlsCa: certs().ca, tlsClientAuth: clientAuth, ...flags });
}

function terminal(served: Served, ...more: string[]): ReturnType<typeof runCli> {
  return runCli(['terminal', 'auth', '--port', String(served.port), '--state-dir', stateDir, '--audit-dir', served.auditDir, '--timeout', '2s', ...more]);
}

const CLIENT = (): string[] => ['--tls-cert', certs().clientCert, '--tls-key', certs().clientKey];

describe('serve --tls-cert --tls-key', () => {
  it('is answered by isotrace terminal --tls --tls-ca over TLS', async () => {
    const served = await tlsServe();
    const run = await terminal(served, '--tls', '--tls-ca', certs().ca);
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toMatch(/^RC 00 /m);
    expect(served.log.events('server.listening')[0]).toMatchObject({ tls: 'none' });
  });

  it('is not reached by a terminal trusting another CA: one line with the TLS reason, exit 1', async () => {
    const served = await tlsServe();
    const run = await terminal(served, '--tls-ca', certs().otherCa);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^isotrace: LINK_CONNECT_FAILED no link after 1 attempt\(s\) \(127\.0\.0\.1:\d+: (UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN)\)\n$/);
  });

  it('checks the name given by --tls-server-name against the certificate', async () => {
    const served = await tlsServe();
    expect((await terminal(served, '--tls-ca', certs().ca, '--tls-server-name', 'localhost')).code).toBe(0);
    const run = await terminal(served, '--tls-ca', certs().ca, '--tls-server-name', 'switch.example');
    expect(run.stderr).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
  });
});

describe('serve --tls-client-auth require (mutual TLS)', () => {
  it('refuses a terminal without a certificate, counts it and logs the reason and the peer', async () => {
    const served = await tlsServe('require');
    const run = await terminal(served, '--tls-ca', certs().ca);
    expect(run.code).toBe(1);
    expect(served.running.server.stats).toMatchObject({ accepted: 0, tlsHandshakeFailures: 1 });
    const [line] = served.log.events('conn.tls_failed');
    expect(line).toMatchObject({ level: 'warn', reason: 'client-certificate', remote: expect.stringMatching(/^127\.0\.0\.1:\d+$/), err: { code: 'CONN_TLS_CLIENT_CERT', message: 'no client certificate' } });
  });

  it('issue #16: counts a refused handshake in /metrics by its reason', async () => {
    const served = await tlsServe('require', { adminPort: 0 });
    expect((await terminal(served, '--tls-ca', certs().ca)).code).toBe(1);
    const { body } = await admin(served, '/metrics');
    expect(sampleOf(body, 'isotrace_tls_handshake_failures_total', { reason: 'client-certificate' })).toBe(1);
    expect(sampleOf(body, 'isotrace_connections_accepted_total')).toBe(0);
  });

  it('issue #16: counts a health check (connect, then close without a byte) apart from the refused handshakes, logged at debug', async () => {
    const served = await tlsServe('require', { adminPort: 0 });
    const check = createConnection({ port: served.port, host: '127.0.0.1' });
    resources.add(() => check.destroy());
    check.on('error', () => {});
    await once(check, 'connect');
    check.resetAndDestroy();
    expect(await served.log.next('conn.tls_no_hello')).toMatchObject({ level: 'debug', remote: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
    expect(served.log.events('conn.tls_failed')).toEqual([]);
    const { body } = await admin(served, '/metrics');
    expect(sampleOf(body, 'isotrace_tls_closed_before_hello_total')).toBe(1);
    expect(body).not.toMatch(/^isotrace_tls_handshake_failures_total\{/m);
  });

  it('answers a terminal with a certificate of its CA, and refuses one of another CA', async () => {
    const served = await tlsServe('require');
    const good = await terminal(served, '--tls-ca', certs().ca, ...CLIENT());
    expect([good.code, good.stderr]).toEqual([0, '']);
    const other = await terminal(served, '--tls-ca', certs().ca, '--tls-cert', certs().otherClientCert, '--tls-key', certs().otherClientKey);
    expect(other.code).toBe(1);
    expect(served.log.events('conn.tls_failed')).toEqual([expect.objectContaining({ err: { code: 'CONN_TLS_CLIENT_CERT', message: expect.stringMatching(/^client certificate not trusted: [A-Z_]+$/) } })]);
    expect(served.running.server.stats).toMatchObject({ accepted: 1, tlsHandshakeFailures: 1 });
  });
});

/** Runs `openssl s_client` with `args` on `served`, writes `stdin`, and resolves once `until` is in its output, or it exits. */
async function sClient(served: Served, args: string[], stdin: Buffer | null, until: string | null): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${served.port}`, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  resources.add(() => (child.exitCode === null ? child.kill('SIGKILL') : undefined));
  let out = '';
  let err = '';
  child.stderr.setEncoding('latin1').on('data', (s: string) => (err += s));
  const seen = new Promise<void>((resolve) => child.stdout.setEncoding('latin1').on('data', (s: string) => {
    out += s;
    if (until !== null && out.includes(until)) resolve();
  }));
  const exited = once(child, 'exit');
  if (stdin !== null) child.stdin.write(stdin);
  else child.stdin.end();
  await Promise.race([seen, exited]);
  if (child.exitCode === null) {
    child.kill();
    await exited;
  }
  return { code: child.exitCode, out, err };
}

describe('openssl s_client as an independent client', () => {
  it('completes a mutual TLS handshake and gets an 0810 for a framed 0800', async () => {
    const served = await tlsServe('require');
    const echo = served.codec.pack(message(served.codec, '0800', networkFields('301')));
    const frame = Buffer.concat([Buffer.from(String(echo.length).padStart(4, '0')), echo]);
    const run = await sClient(served, ['-quiet', '-CAfile', certs().ca, '-verify_return_error', '-cert', certs().clientCert, '-key', certs().clientKey], frame, '0810');
    expect(run.out).toMatch(/^\d{4}0810/);
    expect(served.running.server.stats).toMatchObject({ accepted: 1, tlsHandshakeFailures: 0 });
  });

  it('is refused TLS 1.1: the handshake fails and is counted and logged', async () => {
    const served = await tlsServe();
    const run = await sClient(served, ['-tls1_1', '-cipher', 'DEFAULT@SECLEVEL=0', '-CAfile', certs().ca], null, null);
    expect(run.code).not.toBe(0);
    expect(run.err).toMatch(/alert protocol version|unsupported protocol|no protocols available/);
    await served.log.next('conn.tls_failed');
    expect(served.log.events('conn.tls_failed')[0]).toMatchObject({ level: 'warn', reason: 'handshake', err: { code: 'CONN_TLS_HANDSHAKE', message: expect.stringContaining('unsupported protocol') } });
    expect(served.log.events('conn.tls_no_hello')).toEqual([]);
  });
});

describe('load and replay over TLS', () => {
  it('isotrace load --tls-ca with a client certificate gets every request answered', async () => {
    const served = await tlsServe('require');
    const run = await runCli(['load', '--port', String(served.port), '--tls-ca', certs().ca, ...CLIENT(), '--connections', '3', '--count', '60', '--json']);
    expect([run.code, run.stderr]).toEqual([0, '']);
    const summary = JSON.parse(run.stdout) as { answers: number; errors: number; responseCodes: Record<string, number> };
    expect(summary).toMatchObject({ answers: 60, errors: 0 });
    expect(served.running.server.stats.accepted).toBe(3);
  });

  it('isotrace replay --tls passes the network scenario', async () => {
    const served = await tlsServe('require');
    const run = await runCli(['replay', join(FIXTURES_DIR, 'scenarios', 'network.json'), '--port', String(served.port), '--tls', '--tls-ca', certs().ca, ...CLIENT()]);
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toMatch(/passed/);
  });

  it('isotrace replay reports a connection its TLS check refused as a failed scenario', async () => {
    const served = await tlsServe();
    const run = await runCli(['replay', join(FIXTURES_DIR, 'scenarios', 'network.json'), '--port', String(served.port), '--tls-ca', certs().otherCa]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/LINK_CONNECT_FAILED|cannot connect/);
  });
});

describe('TLS options', () => {
  it('come from flags, ISOTRACE_* variables and the config file, for serve and (under ISOTRACE_ISSUER_*) issuer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'isotrace-tls-config-'));
    resources.add(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ tlsCert: 'switch.pem', tlsKey: 'switch.key', tlsHandshakeTimeoutMs: '2s' }));
    expect(serveConfig({ config: file }, { ISOTRACE_TLS_CA: 'ca.pem', ISOTRACE_TLS_CLIENT_AUTH: 'require' })).toMatchObject({
      tls: { cert: 'switch.pem', key: 'switch.key', ca: 'ca.pem', clientAuth: 'require' }, server: { tlsHandshakeTimeoutMs: 2000 },
    });
    expect(issuerConfig({ tlsKey: 'issuer.key' }, { ISOTRACE_ISSUER_TLS_CERT: 'issuer.pem', ISOTRACE_TLS_CERT: 'not-this.pem' }).tls).toEqual({ cert: 'issuer.pem', key: 'issuer.key', ca: null, clientAuth: 'none' });
    expect(serveConfig({}, {}).tls).toBeNull();
  });
});

describe('TLS option errors', () => {
  it.each([
    [['--tls-cert', '{CERT}'], 'isotrace: CONFIG_INVALID tlsKey: required with tlsCert: a TLS listener needs both its certificate and its key'],
    [['--tls-ca', '{CA}'], "isotrace: CONFIG_INVALID tlsCa: needs tlsCert and tlsKey: the listener's own certificate"],
    [['--tls-cert', '{CERT}', '--tls-key', '{KEY}', '--tls-client-auth', 'require'], "isotrace: CONFIG_INVALID tlsCa: required with tlsClientAuth require: the CA that signs the clients' certificates"],
    [['--tls-cert', '{CERT}', '--tls-key', '{KEY}', '--tls-client-auth', 'maybe'], 'isotrace: CONFIG_INVALID tlsClientAuth (from --tls-client-auth): expected one of none, request, require, got "maybe"'],
    [['--tls-cert', '{MISSING}', '--tls-key', '{KEY}'], 'isotrace: CONFIG_INVALID tlsCert {MISSING}: cannot read (ENOENT)'],
    [['--tls-cert', '{CERT}', '--tls-key', '{KEY2}'], 'isotrace: CONFIG_INVALID tlsKey {KEY2}: not usable: '],
    [['--tls-cert', '{CA_KEY}', '--tls-key', '{KEY}'], 'isotrace: CONFIG_INVALID tlsCert {CA_KEY}: not usable: '],
  ])('serve %j: one line, exit 2', async (args, line) => {
    const names: Record<string, string> = {
      CERT: certs().serverCert, KEY: certs().serverKey, KEY2: certs().server2Key, CA: certs().ca, CA_KEY: certs().clientKey, MISSING: join(certs().dir, 'missing.pem'),
    };
    const at = (s: string): string => s.replace(/\{(\w+)\}/g, (_m, n: string) => names[n]);
    const run = await runCli(['serve', '--port', '0', ...args.map(at)]);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')).toHaveLength(2);
    expect(run.stderr.startsWith(at(line))).toBe(true);
  });

  it.each([
    [['--tls-ca', '{MISSING}'], 2, 'isotrace: CLI_FILE_ACCESS --tls-ca {MISSING}: cannot read (ENOENT)'],
    [['--tls-cert', '{CERT}'], 2, 'isotrace: CLI_BAD_VALUE --tls-key: a client certificate needs both cert and key'],
    [['--tls-ca', '{KEY}'], 2, 'isotrace: CLI_BAD_VALUE --tls-ca {KEY}: not usable: '],
  ])('terminal, load and replay %j: one line, exit %i', async (args, code, line) => {
    const names: Record<string, string> = { CERT: certs().clientCert, KEY: certs().clientKey, MISSING: join(certs().dir, 'missing.pem') };
    const at = (s: string): string => s.replace(/\{(\w+)\}/g, (_m, n: string) => names[n]);
    for (const command of [['terminal', 'auth', '--state-dir', stateDir], ['load', '--count', '1'], ['replay', join(FIXTURES_DIR, 'scenarios', 'network.json')]]) {
      const run = await runCli([...command, '--port', '1', ...args.map(at)]);
      expect([command[0], run.code]).toEqual([command[0], code]);
      expect(run.stderr.startsWith(at(line))).toBe(true);
    }
  });
});
