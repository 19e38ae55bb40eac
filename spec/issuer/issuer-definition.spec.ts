import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinCodec } from '../../src/codec/index.js';
import {
  DEFAULT_REMOTE_ISSUER, checkIssuerSpec, parseIssuerDefinitions, type RemoteIssuerDefinition,
} from '../../src/issuer/index.js';
import { ConfigError } from '../../src/common/index.js';
import { FIXTURES_DIR } from '../helpers/fixtures.js';

/** The example of issue #15, as the routes file carries it. */
const ACME = {
  endpoints: ['tcp://127.0.0.1:9100', 'tcp://127.0.0.1:9101'], spec: 'iso87binary', framing: 'binary2', header: 'none', connections: 2,
  timeoutMs: 2000, signOn: true, echoIntervalMs: 30000, matchKey: [41, 11], traceField: 63,
};

function remote(issuers: unknown, name = 'acme'): RemoteIssuerDefinition {
  return parseIssuerDefinitions(issuers).get(name) as RemoteIssuerDefinition;
}

describe('parseIssuerDefinitions', () => {
  it('reads the issue\'s example into a frozen remote definition', () => {
    const acme = remote({ acme: ACME });
    expect(acme).toEqual({
      type: 'remote', name: 'acme', spec: 'iso87binary', framing: 'binary2', header: 'none', tpdu: '6000000000', connections: 2,
      endpoints: [{ url: 'tcp://127.0.0.1:9100', host: '127.0.0.1', port: 9100 }, { url: 'tcp://127.0.0.1:9101', host: '127.0.0.1', port: 9101 }],
      timeoutMs: 2000, signOn: true, echoIntervalMs: 30000, matchKey: [41, 11], traceField: { de: 63, tag: null },
      acquirerId: null, institutionId: null, pinBlock: 'drop', tls: null,
    });
    for (const part of [acme, acme.endpoints, acme.endpoints[0], acme.matchKey, acme.traceField]) expect(Object.isFrozen(part)).toBe(true);
  });

  it('fills every optional key with its default, and keeps the implicit stub', () => {
    const defs = parseIssuerDefinitions({ acme: { endpoints: ['tcp://[::1]:9100'], spec: 'iso87ascii' } });
    expect(defs.get('acme')).toEqual({ ...DEFAULT_REMOTE_ISSUER, name: 'acme', spec: 'iso87ascii', endpoints: [{ url: 'tcp://[::1]:9100', host: '::1', port: 9100 }] });
    expect(DEFAULT_REMOTE_ISSUER).toMatchObject({ framing: 'ascii4', header: null, connections: 1, timeoutMs: null, signOn: false, echoIntervalMs: 0, matchKey: [41, 11], traceField: null });
    expect([...defs.keys()]).toEqual(['acme', 'stub']);
    expect(defs.get('stub')).toEqual({ type: 'stub', name: 'stub' });
  });

  it('has only the stub when the routes file has no issuers, and takes more stub issuers by type', () => {
    expect([...parseIssuerDefinitions(undefined).values()]).toEqual([{ type: 'stub', name: 'stub' }]);
    expect(parseIssuerDefinitions({ lab: { type: 'stub' } }).get('lab')).toEqual({ type: 'stub', name: 'lab' });
  });

  it('reads a tagged trace field and the switch\'s institution IDs', () => {
    const def = remote({ acme: { ...ACME, traceField: { de: 48, tag: 'TP' }, acquirerId: '4000001', institutionId: '9000001', pinBlock: 'forward' } });
    expect([def.traceField, def.acquirerId, def.institutionId, def.pinBlock]).toEqual([{ de: 48, tag: 'TP' }, '4000001', '9000001', 'forward']);
  });

  it('reads a tls key: the files of the CA, a client certificate and key, and the name to check', () => {
    const def = remote({ acme: { ...ACME, tls: { ca: 'issuer-ca.pem', cert: 'switch.pem', key: 'switch.key', serverName: 'issuer.example' } } });
    expect(def.tls).toEqual({ ca: 'issuer-ca.pem', cert: 'switch.pem', key: 'switch.key', serverName: 'issuer.example' });
    expect(Object.isFrozen(def.tls)).toBe(true);
    expect(remote({ acme: { ...ACME, tls: {} } }).tls).toEqual({ ca: null, cert: null, key: null, serverName: null });
  });

  it('reads the documented example file', () => {
    const json = JSON.parse(readFileSync(join(FIXTURES_DIR, 'routes-remote.json'), 'utf8')) as { issuers: unknown };
    const defs = parseIssuerDefinitions(json.issuers);
    expect([...defs.values()].map((d) => [d.name, d.type])).toEqual([['acme', 'remote'], ['globex', 'remote'], ['lab', 'stub'], ['stub', 'stub']]);
  });

  it.each([
    [{ acme: { ...ACME, framing: 'binary3' } }, 'issuers.acme.framing: expected one of ascii4, binary2, binary2-incl, bcd2, hex4, binary4, vmlh, got "binary3"'],
    [{ acme: { ...ACME, header: 'nii' } }, 'issuers.acme.header: expected one of none, tpdu, got "nii"'],
    [{ acme: { ...ACME, endpoints: [] } }, 'issuers.acme.endpoints: expected a non-empty list of "tcp://host:port"'],
    [{ acme: { ...ACME, endpoints: ['tcp://127.0.0.1:9100', 'http://h:1'] } }, 'issuers.acme.endpoints[1]: expected "tcp://host:port" with a port in 1..65535, e.g. "tcp://127.0.0.1:9100"'],
    [{ acme: { ...ACME, endpoints: ['tcp://h:70000'] } }, 'issuers.acme.endpoints[0]: expected "tcp://host:port" with a port in 1..65535'],
    [{ acme: { spec: 'iso87binary' } }, 'issuers.acme.endpoints: missing: a remote issuer needs a list of "tcp://host:port"'],
    [{ acme: { ...ACME, spec: '' } }, 'issuers.acme.spec: expected a spec name (iso87ascii, iso87binary, ...) or a JSON spec file path'],
    [{ acme: { ...ACME, connections: 0 } }, 'issuers.acme.connections: expected an integer in 1..64, got 0'],
    [{ acme: { ...ACME, timeoutMs: '2s' } }, 'issuers.acme.timeoutMs: expected an integer in 1..600000, got "2s"'],
    [{ acme: { ...ACME, signOn: 'yes' } }, 'issuers.acme.signOn: expected true or false, got "yes"'],
    [{ acme: { ...ACME, echoIntervalMs: -1 } }, 'issuers.acme.echoIntervalMs: expected an integer in 0..86400000, got -1'],
    [{ acme: { ...ACME, matchKey: [] } }, 'issuers.acme.matchKey: expected a non-empty list of DE numbers, e.g. [41, 11]'],
    [{ acme: { ...ACME, matchKey: [41, 200] } }, 'issuers.acme.matchKey[1]: expected an integer in 2..192, got 200'],
    [{ acme: { ...ACME, matchKey: [11, 11] } }, 'issuers.acme.matchKey: names a DE twice'],
    [{ acme: { ...ACME, traceField: '63' } }, 'issuers.acme.traceField: expected a DE number such as 63, or { "de": 48, "tag": "TP" }'],
    [{ acme: { ...ACME, traceField: { de: 48, tag: 'T-P' } } }, 'issuers.acme.traceField.tag: expected a tag of 1 to 4 letters or digits, e.g. "TP"'],
    [{ acme: { ...ACME, traceField: { de: 48, tg: 'TP' } } }, 'issuers.acme.traceField.tg: unknown option; known options: de, tag'],
    [{ acme: { ...ACME, acquirerId: 4000001 } }, 'issuers.acme.acquirerId: expected an institution ID of 1 to 11 digits, as a string'],
    [{ acme: { ...ACME, pinBlock: 'translate' } }, 'issuers.acme.pinBlock: expected one of drop, forward, got "translate"'],
    [{ acme: { ...ACME, tls: true } }, 'issuers.acme.tls: expected an object such as { "ca": "issuer-ca.pem", "cert": "switch.pem", "key": "switch.key" }, or {} for TLS with the built-in root CAs'],
    [{ acme: { ...ACME, tls: { ca: 'a.pem', crt: 'b.pem' } } }, 'issuers.acme.tls.crt: unknown option; known options: ca, cert, key, serverName'],
    [{ acme: { ...ACME, tls: { cert: 'switch.pem' } } }, 'issuers.acme.tls.key: missing: a client certificate needs both cert and key'],
    [{ acme: { ...ACME, tls: { ca: '' } } }, 'issuers.acme.tls.ca: expected the path of a PEM file'],
    [{ acme: { ...ACME, tls: { serverName: 7 } } }, 'issuers.acme.tls.serverName: expected a host name'],
    [{ acme: { ...ACME, ssl: {} } }, 'issuers.acme.ssl: unknown option; it is now called tls'],
    [{ acme: { ...ACME, tpdu: '60' } }, 'issuers.acme.tpdu: expected a TPDU as 10 hex digits, e.g. 6000120000'],
    [{ acme: { ...ACME, hasSignOn: true } }, 'issuers.acme.hasSignOn: unknown option; it is now called signOn'],
    [{ acme: { ...ACME, retries: 3 } }, 'issuers.acme.retries: unknown option; known options: type, framing, header, tpdu'],
    [{ acme: { ...ACME, type: 'tcp' } }, 'issuers.acme.type: expected one of remote, stub, got "tcp"'],
    [{ lab: { type: 'stub', spec: 'iso87ascii' } }, 'issuers.lab.spec: unknown option; known options: type'],
    [{ stub: ACME }, 'issuers.stub: "stub" is the in-process issuer; give a remote issuer another name'],
    [{ 'acme bank': ACME }, 'issuers.acme bank: expected an issuer name of letters, digits'],
    [{ acme: 'tcp://127.0.0.1:9100' }, 'issuers.acme: expected an object: { "type": "stub" } or a remote issuer'],
    [['acme'], 'issuers: expected an object of issuers by name'],
  ])('fails with one line naming the issuer, the key and what is allowed: %j', (issuers, message) => {
    expect(() => parseIssuerDefinitions(issuers)).toThrow(ConfigError);
    expect(() => parseIssuerDefinitions(issuers)).toThrow(message);
  });
});

describe('checkIssuerSpec', () => {
  const where = 'routes r.json: issuers.acme';

  it('accepts match-key and trace fields its spec defines and can carry', () => {
    expect(() => checkIssuerSpec(remote({ acme: ACME }), builtinCodec('iso87binary'), where)).not.toThrow();
    expect(() => checkIssuerSpec(remote({ acme: { ...ACME, traceField: { de: 48, tag: 'TP' } } }), builtinCodec('iso87ascii'), where)).not.toThrow();
  });

  it.each([
    [{ matchKey: [41, 193 - 1] }, 'iso87binary', `${where}.matchKey: DE 192 is not defined by spec iso87binary`],
    [{ traceField: 150 }, 'iso87binary', `${where}.traceField: DE 150 is not defined by spec iso87binary`],
    [{ traceField: 52 }, 'iso87binary', `${where}.traceField: DE 52 of spec iso87binary must be a text field of at least 55 characters (a traceparent)`],
    [{ traceField: 44 }, 'iso87ascii', `${where}.traceField: DE 44 of spec iso87ascii must be a text field of at least 55 characters (a traceparent)`],
  ])('fails naming the key and the DE its spec cannot take: %j on %s', (more, spec, message) => {
    expect(() => checkIssuerSpec(remote({ acme: { ...ACME, ...more } }), builtinCodec(spec), where)).toThrow(message);
  });
});
