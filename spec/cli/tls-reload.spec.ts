// `isotrace serve` over TLS as a child process: SIGHUP rereads the certificate files without
// dropping a connection (new connections get the new certificate), and a reload that fails keeps
// the certificate in use and logs one error line.

import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinCodec } from '../../src/codec/index.js';
import { spawnServe } from '../helpers/child-serve.js';
import { Resources } from '../helpers/serve-harness.js';
import { message, networkFields } from '../helpers/terminal.js';
import { certsForThisFile } from '../helpers/test-certs.js';

const resources = new Resources();
afterEach(() => resources.run());
const certs = certsForThisFile();

const codec = builtinCodec('iso87ascii');

async function connect(port: number): Promise<TLSSocket> {
  const socket = tlsConnect({ host: '127.0.0.1', port, ca: certs().read(certs().ca) });
  resources.add(() => socket.destroy());
  await once(socket, 'secureConnect');
  return socket;
}

/** Sends an ascii4-framed 0800 echo and resolves with the MTI of the answer. */
async function echo(socket: TLSSocket): Promise<string> {
  const body = codec.pack(message(codec, '0800', networkFields('301')));
  socket.write(Buffer.concat([Buffer.from(String(body.length).padStart(4, '0')), body]));
  let got = Buffer.alloc(0);
  while (got.length < 8) got = Buffer.concat([got, (await once(socket, 'data'))[0] as Buffer]);
  return got.toString('latin1', 4, 8);
}

describe('serve over TLS on SIGHUP', () => {
  it('rereads its certificate: the open connection keeps working, a new one gets the new certificate; a bad file keeps the old one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isotrace-tls-reload-'));
    resources.add(() => rmSync(dir, { recursive: true, force: true }));
    const cert = join(dir, 'switch.pem');
    const key = join(dir, 'switch.key');
    copyFileSync(certs().serverCert, cert);
    copyFileSync(certs().serverKey, key);
    const sw = await spawnServe(resources, ['--audit-dir', join(dir, 'audit'), '--tls-cert', cert, '--tls-key', key]);
    const before = await connect(sw.port);
    expect(before.getPeerCertificate().subject.CN).toBe('isotrace-test-server');
    expect(await echo(before)).toBe('0810');

    copyFileSync(certs().server2Cert, cert);
    copyFileSync(certs().server2Key, key);
    sw.child.kill('SIGHUP');
    const reloaded = await sw.next('tls.reloaded');
    expect(reloaded).toMatchObject({ level: 30, cert, subject: 'CN=isotrace-test-server-2', fingerprint: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/) });
    expect(await echo(before)).toBe('0810');
    const after = await connect(sw.port);
    expect(after.getPeerCertificate().subject.CN).toBe('isotrace-test-server-2');
    expect(await echo(after)).toBe('0810');

    writeFileSync(key, 'not a key');
    sw.child.kill('SIGHUP');
    const failed = await sw.next('tls.reload_failed');
    expect(failed).toMatchObject({ level: 50, cert, err: { code: 'CONFIG_INVALID', message: `tlsKey ${key}: not usable: no PEM block (-----BEGIN ...)` } });
    const still = await connect(sw.port);
    expect(still.getPeerCertificate().subject.CN).toBe('isotrace-test-server-2');
    expect(await echo(before)).toBe('0810');

    sw.child.kill('SIGTERM');
    expect(await sw.exited).toEqual([0, null]);
  });
});
