// `isotrace serve` as a child process with a remote issuer over TLS: SIGHUP rereads the routes
// file's `tls` files of the issuer's link. The link up stays up; its next connection (the issuer
// restarted) uses the new files; a file that cannot be used keeps the previous ones, with one
// warning naming the issuer and the file.

import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinCodec } from '../../src/codec/index.js';
import { spawnServe, type JsonLine, type ServeChild } from '../helpers/child-serve.js';
import { issuer, Resources } from '../helpers/serve-harness.js';
import { cardFor } from '../helpers/test-cards.js';
import { message, purchaseFields, Terminal } from '../helpers/terminal.js';
import { certsForThisFile } from '../helpers/test-certs.js';

const resources = new Resources();
afterEach(() => resources.run());
const certs = certsForThisFile();

const codec = builtinCodec('iso87ascii');
const card = cardFor('00');
/** OpenSSL's verify codes for a server certificate its CA file does not sign. */
const NOT_TRUSTED = /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)$/;

/** `isotrace issuer` over TLS (the test CA's server certificate) in-process, on `port` (0: any). */
function tlsIssuer(port = 0): ReturnType<typeof issuer> {
  return issuer(resources, { port, tlsCert: certs().serverCert, tlsKey: certs().serverKey });
}

async function authorize(sw: ServeChild): Promise<unknown> {
  const t = await Terminal.connect(sw.port, codec);
  resources.add(() => t.close());
  return (await t.request(message(codec, '0100', purchaseFields(card.pan, card.expiry)))).get(39);
}

/** The next `evt` line of `sw` after those seen so far, for which `where` holds. */
function nextLine(sw: ServeChild, evt: string, where: (l: JsonLine) => boolean = () => true): Promise<JsonLine> {
  return sw.next(evt, where, sw.lines.length);
}

const isNotTrusted = (l: JsonLine): boolean => NOT_TRUSTED.test(String((l.err as { code?: unknown } | undefined)?.code));

describe('serve with a remote issuer over TLS, on SIGHUP', () => {
  it('issue #16: rereads the issuer link\'s TLS files: the link up stays up, the next connection uses the new CA; a bad file keeps the previous one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isotrace-tls-issuer-reload-'));
    resources.add(() => rmSync(dir, { recursive: true, force: true }));
    const ca = join(dir, 'issuer-ca.pem');
    copyFileSync(certs().ca, ca);
    const first = await tlsIssuer();
    const port = first.port;
    const routes = join(dir, 'routes.json');
    writeFileSync(routes, JSON.stringify({
      issuers: { acme: { endpoints: [`tcp://127.0.0.1:${port}`], spec: 'iso87ascii', framing: 'ascii4', timeoutMs: 2000, tls: { ca } } },
      routes: [{ bin: card.pan.slice(0, 6), issuer: 'acme' }],
    }));
    const sw = await spawnServe(resources, ['--routes', routes, '--saf-dir', join(dir, 'saf'), '--audit-dir', join(dir, 'audit')]);
    await sw.next('link.up');
    expect(await authorize(sw)).toBe('00');

    // A CA that does not sign the issuer's certificate: the link up is not touched.
    copyFileSync(certs().otherCa, ca);
    const reloaded = nextLine(sw, 'tls.reloaded');
    sw.child.kill('SIGHUP');
    expect(await reloaded).toMatchObject({ level: 30, issuer: 'acme', ca });
    expect(await authorize(sw)).toBe('00');
    expect(sw.lines.filter((l) => l.evt === 'link.down')).toEqual([]);

    // The issuer restarts: the link's next connection checks its certificate against the new CA.
    const down = nextLine(sw, 'link.down');
    await first.stop();
    await down;
    const refused = nextLine(sw, 'link.retry', isNotTrusted);
    await tlsIssuer(port);
    await refused;

    // A file that is not a CA: one warning naming the issuer and the file, the previous CA kept.
    writeFileSync(ca, 'not a certificate at all');
    const failed = nextLine(sw, 'tls.reload_failed');
    sw.child.kill('SIGHUP');
    const warning = await failed;
    expect(warning).toMatchObject({ level: 40, issuer: 'acme', file: ca, err: { code: 'CONFIG_INVALID', message: expect.stringContaining(`issuers.acme.tls.ca ${ca}: not usable`) } });
    expect(JSON.stringify(warning)).not.toContain('not a certificate at all');
    expect(await nextLine(sw, 'link.retry')).toSatisfy(isNotTrusted);

    // The right CA again: the next connection is up, and answers.
    copyFileSync(certs().ca, ca);
    const up = nextLine(sw, 'link.up');
    sw.child.kill('SIGHUP');
    await up;
    expect(await authorize(sw)).toBe('00');
    expect(sw.lines.filter((l) => l.evt === 'tls.reloaded')).toHaveLength(2);

    sw.child.kill('SIGTERM');
    expect(await sw.exited).toEqual([0, null]);
  }, 60_000);
});
