// `isotrace issuer` fault injection (--delay-ms, --jitter-ms, --drop-rate, --close-after) over
// real sockets, and the command itself as a child process: the bound port of --port 0, the drain
// on SIGTERM, one-line errors for bad options, and its own ISOTRACE_ISSUER_* variables.

import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { injectFaults } from '../../src/cli/fault-injection.js';
import { builtinCodec } from '../../src/codec/index.js';
import { issuerConfig } from '../../src/cli/issuer-options.js';
import { NOOP_LOGGER } from '../../src/common/index.js';
import { FrameEncoder, type ConnectionContext } from '../../src/transport/index.js';
import { auditRecords } from '../helpers/audit-trail.js';
import { cleanEnv, spawnIssuer } from '../helpers/child-serve.js';
import { runCli } from '../helpers/cli.js';
import { issuer, Resources } from '../helpers/serve-harness.js';
import { cardFor } from '../helpers/test-cards.js';
import { Terminal, message, networkFields, purchaseFields } from '../helpers/terminal.js';

const resources = new Resources();
afterEach(() => resources.run());
const card = cardFor('00');

describe('isotrace issuer fault injection', () => {
  it('waits --delay-ms before each answer', async () => {
    const host = await issuer(resources, { delayMs: 150 });
    const t = await host.terminal();
    const sentAt = performance.now();
    expect((await t.request(message(host.codec, '0100', purchaseFields(card.pan, card.expiry)))).get(39)).toBe('00');
    expect(performance.now() - sentAt).toBeGreaterThanOrEqual(145); // timers may fire a little early on a busy host
  });

  it('adds 0..--jitter-ms to the wait, as drawn', async () => {
    const conn = { connId: 'c1', remoteAddress: '127.0.0.1', remotePort: 1, remote: '127.0.0.1:1', localAddress: '127.0.0.1', localPort: 2, tpdu: null, log: NOOP_LOGGER } satisfies ConnectionContext;
    const answer = Buffer.from('answer');
    const handler = injectFaults(() => answer, { delayMs: 0, jitterMs: 100, dropRate: 0, closeAfter: 0 }, () => {}, () => 0.999);
    const sentAt = performance.now();
    expect(await handler(Buffer.alloc(0), conn)).toBe(answer);
    expect(performance.now() - sentAt).toBeGreaterThanOrEqual(95); // floor(0.999 * 101) = 100 ms
  });

  it('handles but never answers a request with --drop-rate 1, and keeps the connection', async () => {
    const host = await issuer(resources, { dropRate: 1 });
    const socket = createConnection({ host: '127.0.0.1', port: host.port });
    resources.add(() => socket.destroy());
    await once(socket, 'connect');
    let received = '';
    socket.setEncoding('latin1').on('data', (s: string) => (received += s));
    socket.write(new FrameEncoder({ framing: 'ascii4', header: 'none' }).encode(host.codec.pack(message(host.codec, '0100', purchaseFields(card.pan, card.expiry))), 0));
    await host.log.next('issuer.fault_drop');
    socket.write('0000'); // a keep-alive: echoed at once, after anything already written
    while (received.length < 4) await once(socket, 'data');
    expect(received).toBe('0000');
    await host.stop();
    const records = await auditRecords(host.auditDir);
    expect(records.map((r) => [r.request.mti, r.outcome.response_code])).toEqual([['0100', '00']]); // handled: the hold is placed
  });

  it('closes a connection after --close-after answers, and takes new connections', async () => {
    const host = await issuer(resources, { closeAfter: 2 });
    const t = await host.terminal();
    expect((await t.request(message(host.codec, '0800', networkFields('301')))).get(39)).toBe('00');
    expect((await t.request(message(host.codec, '0100', purchaseFields(card.pan, card.expiry)))).get(39)).toBe('00');
    await t.closed();
    expect(await host.log.next('conn.close')).toMatchObject({ reason: 'local', framesOut: 2 });
    const again = await host.terminal();
    expect((await again.request(message(host.codec, '0800', networkFields('301')))).get(39)).toBe('00');
  });
});

describe('isotrace issuer command', () => {
  it('logs the port --port 0 bound, answers, and drains on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isotrace-issuer-'));
    resources.add(() => rmSync(dir, { recursive: true, force: true }));
    const child = await spawnIssuer(resources, ['--audit-dir', dir, '--spec', 'iso87binary', '--framing', 'binary2', '--trace-field', '48:TP']);
    const ready = await child.next('issuer.ready');
    expect(ready).toMatchObject({ port: child.port, spec: 'iso87binary', trace_field: '48:TP', audit_dir: dir });
    const t = await Terminal.connect(child.port, builtinCodec('iso87binary'), { framing: 'binary2' });
    resources.add(() => t.close());
    expect((await t.request(message(t.codec, '0100', purchaseFields(card.pan, card.expiry)))).get(39)).toBe('00');
    child.child.kill('SIGTERM');
    expect(await child.exited).toEqual([0, null]);
    expect(child.lines.map((l) => l.evt)).toContain('issuer.stopped');
  });

  it.each([
    [['--trace-field', '48:T'], /^isotrace: CONFIG_INVALID traceField \(from --trace-field\): expected a DE number 2\.\.128 such as 63, or DE:TAG/],
    [['--trace-field', '11'], /^isotrace: CONFIG_INVALID traceField 11: field 11 of spec iso87ascii is of class n; a trace context needs class ans$/],
    [['--drop-rate', '1.5'], /^isotrace: CONFIG_INVALID dropRate \(from --drop-rate\): expected a number in 0\.\.1, got "1\.5"$/],
    [['--close-after', '-1'], /^isotrace: CONFIG_INVALID closeAfter \(from --close-after\): expected an integer in 0\.\.1000000000/],
    [['--routes', 'x.json'], /^isotrace: CLI_UNKNOWN_OPTION unknown option '--routes'/],
  ])('refuses %j with one line and exit 2', async (args, line) => {
    const run = await runCli(['issuer', '--port', '0', '--audit-dir', '/nonexistent/never-created', ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr.trimEnd()).toMatch(line);
  });

  it('reads its own ISOTRACE_ISSUER_* variables, never serve\'s', () => {
    const env = cleanEnv({ ISOTRACE_PORT: '8583', ISOTRACE_AUDIT_DIR: '/var/switch-audit', ISOTRACE_ISSUER_DELAY_MS: '2s', ISOTRACE_ISSUER_TRACE_FIELD: '63' });
    const cfg = issuerConfig({}, env);
    expect([cfg.port, cfg.audit.dir, cfg.delayMs, cfg.traceField]).toEqual([9100, './var/issuer-audit', 2000, '63']);
    expect(issuerConfig({}, { ISOTRACE_ISSUER_PORT: '9200' }).port).toBe(9200);
  });
});
