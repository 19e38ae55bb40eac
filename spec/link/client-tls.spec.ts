// IsoClient over TLS: the endpoint it is connected to, and TLS files swapped for its next
// connection (reloadTls), refused with a ConfigError that keeps the previous ones when not usable.

import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/common/index.js';
import { certsForThisFile } from '../helpers/test-certs.js';
import { Cleanup } from '../transport/helpers/sockets.js';
import { makeClient } from './helpers/clients.js';
import { answerOf, auth, CODEC, startIssuer } from './helpers/issuer.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());
const certs = certsForThisFile();

describe('IsoClient endpoint', () => {
  it('issue #16: is the endpoint as configured and the address reached while up, null before', async () => {
    const issuer = await startIssuer(cleanup, (req) => answerOf(req, '00'));
    const client = makeClient(cleanup, { codec: CODEC, endpoints: [{ host: '127.0.0.1', port: issuer.port }] });
    expect(client.endpoint).toBeNull();
    await client.connect();
    expect(client.endpoint).toEqual({ host: '127.0.0.1', port: issuer.port, peerAddress: '127.0.0.1', peerPort: issuer.port });
    expect((await client.request(auth('000001'))).get(39)).toBe('00');
  });
});

describe('IsoClient.reloadTls', () => {
  it('issue #16: refuses files that are not usable, naming the key, and keeps the previous ones for the next connection', async () => {
    const issuer = await startIssuer(cleanup, (req) => answerOf(req, '00'), {
      tls: { cert: certs().read(certs().serverCert), key: certs().read(certs().serverKey) },
    });
    const client = makeClient(cleanup, { codec: CODEC, port: issuer.port, tls: { ca: certs().read(certs().ca) } });
    expect(() => client.reloadTls({ ca: Buffer.from('not a certificate') })).toThrow(new ConfigError('client.tls.ca', 'not usable: no PEM block (-----BEGIN ...)'));
    await client.connect();
    expect((await client.request(auth('000001'))).get(39)).toBe('00');
  });

  it('issue #16: has nothing to reload on a plain TCP link', () => {
    const client = makeClient(cleanup, { codec: CODEC, port: 1 });
    expect(() => client.reloadTls({ ca: certs().read(certs().ca) })).toThrow(new ConfigError('client.tls', 'this link speaks plain TCP: there is nothing to reload'));
  });
});
