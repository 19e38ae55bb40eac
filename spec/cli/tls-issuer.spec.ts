// A remote issuer link over TLS: serve forwards to `isotrace issuer --tls-*` with the `tls` key of
// the routes file (the CA to trust, the switch's client certificate), mutual TLS required by the
// issuer; a link without the certificate is refused by the issuer, and the terminal gets 91.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { issuer, serve, Resources, type Served } from '../helpers/serve-harness.js';
import { cardFor } from '../helpers/test-cards.js';
import { message, purchaseFields } from '../helpers/terminal.js';
import { certsForThisFile } from '../helpers/test-certs.js';

const resources = new Resources();
afterEach(() => resources.run());
const certs = certsForThisFile();

const card = cardFor('00');

/** serve with the card's BIN routed to `acme`, the issuer at `port`, over TLS with `tls`. */
function switchTo(port: number, tls: Record<string, string>): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'isotrace-tls-issuer-'));
  resources.add(() => rmSync(dir, { recursive: true, force: true }));
  const routes = join(dir, 'routes.json');
  writeFileSync(routes, JSON.stringify({
    issuers: { acme: { endpoints: [`tcp://127.0.0.1:${port}`], spec: 'iso87ascii', framing: 'ascii4', timeoutMs: 500, tls } },
    routes: [{ bin: card.pan.slice(0, 6), issuer: 'acme' }],
  }));
  return serve(resources, { routes, safDir: join(dir, 'saf') });
}

async function authorize(sw: Served): Promise<string | undefined> {
  const t = await sw.terminal();
  return (await t.request(message(sw.codec, '0100', purchaseFields(card.pan, card.expiry)))).get(39) as string | undefined;
}

describe('a remote issuer link over TLS', () => {
  it('forwards to isotrace issuer over mutual TLS: the issuer sees the switch\'s certificate and answers', async () => {
    const host = await issuer(resources, { tlsCert: certs().serverCert, tlsKey: certs().serverKey, tlsCa: certs().ca, tlsClientAuth: 'require' });
    const sw = await switchTo(host.port, { ca: certs().ca, cert: certs().clientCert, key: certs().clientKey });
    await sw.log.next('link.up');
    expect(await authorize(sw)).toBe('00');
    expect(host.log.events('txn.done')).toHaveLength(1);
    expect(host.running.server.stats).toMatchObject({ accepted: 1, tlsHandshakeFailures: 0 });
  });

  it('is refused by an issuer requiring a client certificate when the routes file gives none: the terminal gets 91', async () => {
    const host = await issuer(resources, { tlsCert: certs().serverCert, tlsKey: certs().serverKey, tlsCa: certs().ca, tlsClientAuth: 'require' });
    const sw = await switchTo(host.port, { ca: certs().ca });
    expect(await host.log.next('conn.tls_failed')).toMatchObject({ reason: 'client-certificate', err: { code: 'CONN_TLS_CLIENT_CERT', message: 'no client certificate' } });
    expect(await authorize(sw)).toBe('91');
    expect(host.log.events('txn.done')).toHaveLength(0);
  });

  it('does not link to an issuer whose certificate its CA does not sign', async () => {
    const host = await issuer(resources, { tlsCert: certs().serverCert, tlsKey: certs().serverKey });
    const sw = await switchTo(host.port, { ca: certs().otherCa });
    const retry = await sw.log.next('link.retry');
    expect(retry).toMatchObject({ err: { code: expect.stringMatching(/^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN)$/) } });
    expect(await authorize(sw)).toBe('91');
  });

  it('fails at start-up naming the issuer, the key and the file when a TLS file of the routes file cannot be used', async () => {
    await expect(switchTo(1, { ca: join(certs().dir, 'missing.pem') })).rejects.toThrow(/^routes .*routes\.json: issuers\.acme\.tls\.ca .*missing\.pem: cannot read \(ENOENT\)$/);
    await expect(switchTo(1, { ca: certs().ca, cert: certs().clientCert, key: certs().serverKey })).rejects.toThrow(/issuers\.acme\.tls\.key .*server\.key: not usable: .*key values mismatch/);
  });
});
