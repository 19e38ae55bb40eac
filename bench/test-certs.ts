// Test certificates made with Debian's openssl CLI, in a temporary folder (removed by the
// caller): a CA, two server certificates it signs for 127.0.0.1 and localhost, a client certificate
// it signs, and another CA with a client certificate of its own. EC P-256 keys (quick to make).
// Never committed. For the TLS tests (spec/helpers/test-certs.ts) and the TLS benchmark.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The files of one set: each a path to a PEM file. */
export interface TestCerts {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  /** A second server certificate of the same CA (another subject): what a reload swaps in. */
  server2Cert: string;
  server2Key: string;
  clientCert: string;
  clientKey: string;
  /** A CA the server does not trust, and a client certificate it signed. */
  otherCa: string;
  otherClientCert: string;
  otherClientKey: string;
  /** The bytes of a file of this set. */
  read(path: string): Buffer;
  /** Removes the folder. */
  remove(): void;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCa(dir: string, name: string): void {
  openssl(dir, ['req', '-x509', ...EC, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=isotrace test ${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
}

function makeLeaf(dir: string, name: string, ca: string, cn: string, ext: string): void {
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(dir, ['req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`]);
}

const SERVER_EXT = 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n';
const CLIENT_EXT = 'extendedKeyUsage=clientAuth\n';

/** Makes a fresh set of certificates in a new temporary folder. */
export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'isotrace-tls-'));
  makeCa(dir, 'ca');
  makeCa(dir, 'other-ca');
  makeLeaf(dir, 'server', 'ca', 'isotrace-test-server', SERVER_EXT);
  makeLeaf(dir, 'server2', 'ca', 'isotrace-test-server-2', SERVER_EXT);
  makeLeaf(dir, 'client', 'ca', 'TERM0001', CLIENT_EXT);
  makeLeaf(dir, 'other-client', 'other-ca', 'TERM0666', CLIENT_EXT);
  const p = (f: string): string => join(dir, f);
  return {
    dir, ca: p('ca.pem'), serverCert: p('server.pem'), serverKey: p('server.key'), server2Cert: p('server2.pem'), server2Key: p('server2.key'),
    clientCert: p('client.pem'), clientKey: p('client.key'), otherCa: p('other-ca.pem'), otherClientCert: p('other-client.pem'), otherClientKey: p('other-client.key'),
    read: (path) => readFileSync(path),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
