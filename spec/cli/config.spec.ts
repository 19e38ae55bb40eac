import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_OPTION_RANGES, DEFAULT_AUDIT_WRITER_OPTIONS } from '../../src/audit/index.js';
import { runServe } from '../../src/cli/commands/serve.js';
import { kebab } from '../../src/cli/config.js';
import { ISSUER_OPTIONS } from '../../src/cli/issuer-options.js';
import { packageVersion } from '../../src/cli/package-info.js';
import { serveConfig } from '../../src/cli/serve-config.js';
import { AUDIT_OPTIONS, SERVE_OPTIONS, TRANSPORT_OPTION_NAMES } from '../../src/cli/serve-options.js';
import { ConfigError } from '../../src/common/index.js';
import { DEFAULT_SERVER_OPTIONS, SERVER_OPTION_RANGES, resolveServerOptions } from '../../src/transport/index.js';
import { runCli } from '../helpers/cli.js';

function configFile(json: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'isotrace-cfg-')), 'config.json');
  writeFileSync(path, JSON.stringify(json));
  return path;
}

describe('serveConfig', () => {
  it('uses the defaults when nothing is given', () => {
    const cfg = serveConfig({}, {});
    expect(cfg.host).toBe('127.0.0.1');
    expect(cfg.port).toBe(8583);
    expect(cfg.spec).toBe('iso87ascii');
    expect(cfg.framing).toBe('ascii4');
    expect(cfg.cards).toMatch(/fixtures\/issuer\/cards\.json$/);
    expect(cfg.otlpEndpoint).toBeNull();
  });

  it('takes a flag over the environment over the config file', () => {
    const file = configFile({ port: 1111, spec: 'iso87binary', logLevel: 'debug' });
    const env = { ISOTRACE_PORT: '2222', ISOTRACE_SPEC: 'iso93ascii' };
    const cfg = serveConfig({ config: file, port: '3333' }, env);
    expect(cfg.port).toBe(3333);
    expect(cfg.spec).toBe('iso93ascii');
    expect(cfg.logLevel).toBe('debug');
  });

  it('reads the config file named by ISOTRACE_CONFIG', () => {
    expect(serveConfig({}, { ISOTRACE_CONFIG: configFile({ framing: 'binary2' }) }).framing).toBe('binary2');
  });

  it('takes OTEL_EXPORTER_OTLP_ENDPOINT when no isotrace setting names an endpoint', () => {
    expect(serveConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }).otlpEndpoint).toBe('http://127.0.0.1:4318');
    expect(serveConfig({ otlpEndpoint: 'http://a:1' }, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://b:2' }).otlpEndpoint).toBe('http://a:1');
  });

  it.each([
    [{ port: 'abc' }, {}, 'port (from --port): expected an integer in 0..65535, got "abc"'],
    [{}, { ISOTRACE_PORT: '70000' }, 'port (from ISOTRACE_PORT): expected an integer in 0..65535, got "70000"'],
    [{ framing: 'ascii5' }, {}, 'framing (from --framing): expected one of ascii4, binary2, binary2-incl, bcd2, hex4, binary4, vmlh, got "ascii5"'],
    [{ logLevel: 'loud' }, {}, 'logLevel (from --log-level): expected one of trace, debug, info, warn, error, silent, got "loud"'],
    [{ issuerTimeoutMs: '0' }, {}, 'issuerTimeoutMs (from --issuer-timeout-ms): expected a duration in 1..600000 ms such as 500 (ms), 500ms, 2s, 1.5s, 2m or 1h, got "0"'],
  ])('fails naming the option, its source and what is allowed: %j %j', (flags, env, message) => {
    expect(() => serveConfig(flags, env)).toThrow(ConfigError);
    expect(() => serveConfig(flags, env)).toThrow(message);
  });

  it('issue #13: reads the serve durations in the one duration syntax, from a flag, the environment or the file', () => {
    expect(serveConfig({ issuerTimeoutMs: '2s' }, {}).issuerTimeoutMs).toBe(2000);
    expect(serveConfig({ issuerTimeoutMs: '2500' }, {}).issuerTimeoutMs).toBe(2500);
    expect(serveConfig({}, { ISOTRACE_DUPLICATE_WINDOW_MS: '5m' }).duplicateWindowMs).toBe(300_000);
    expect(serveConfig({ config: configFile({ issuerTimeoutMs: 750, duplicateWindowMs: '1h' }) }, {})).toMatchObject({ issuerTimeoutMs: 750, duplicateWindowMs: 3_600_000 });
    expect(() => serveConfig({ issuerTimeoutMs: '11m' }, {})).toThrow(/issuerTimeoutMs \(from --issuer-timeout-ms\): expected a duration in 1\.\.600000 ms/);
    expect(() => serveConfig({ config: configFile({ issuerTimeoutMs: 1.5 }) }, {})).toThrow(/issuerTimeoutMs \(from .*config\.json\): expected a duration/);
  });

  it('issue #13: serve --help lists the framing choices', async () => {
    const r = await runCli(['serve', '--help']);
    const framing = r.stdout.slice(r.stdout.indexOf('--framing'), r.stdout.indexOf('--header')).replace(/\s+/g, ' ');
    expect(framing).toContain('ascii4, binary2, binary2-incl, bcd2, hex4, binary4, vmlh');
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('log level: trace, debug, info, warn, error, silent');
  });

  it('rejects an unknown key in the config file, listing the known ones', () => {
    const file = configFile({ prot: 8583 });
    expect(() => serveConfig({ config: file }, {})).toThrow(/prot: unknown option \(known: host, port, spec/);
  });

  it('rejects a value of the wrong type in the config file', () => {
    const file = configFile({ port: '8583x' });
    expect(() => serveConfig({ config: file }, {})).toThrow(/port \(from .*config\.json\): expected an integer/);
  });
});

describe('ServeConfig', () => {
  const OTLP_ENV = {
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_SAMPLER_ARG: '0.25',
    OTEL_SERVICE_NAME: 'switch-eu1', OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod',
  };

  it('issue #14: resolves the audit key and the OTEL_* variables with the options, into one frozen config', () => {
    const cfg = serveConfig({ auditMode: 'async', maxFrameBytes: '4096' }, { ...OTLP_ENV, ISOTRACE_AUDIT_KEY: 'k3y', ISOTRACE_AUDIT_RETENTION_DAYS: '30' });
    expect(cfg.audit).toEqual({ dir: './var/audit', mode: 'async', key: Buffer.from('k3y', 'utf8'), retentionDays: 30, retentionBytes: 0 });
    expect(cfg.otlp).toEqual({
      endpoint: 'http://127.0.0.1:4318', protocol: 'http/protobuf', sampleRatio: 0.25, serviceName: 'switch-eu1',
      resourceAttributes: { 'service.version': packageVersion(), 'deployment.environment': 'prod' },
    });
    expect(cfg.server).toEqual({ ...pick(DEFAULT_SERVER_OPTIONS, TRANSPORT_OPTION_NAMES), host: '127.0.0.1', port: 8583, framing: 'ascii4', maxFrameBytes: 4096 });
    for (const part of [cfg, cfg.server, cfg.audit, cfg.otlp, cfg.otlp?.resourceAttributes]) expect(Object.isFrozen(part)).toBe(true);
    expect(() => Object.assign(cfg, { port: 1 })).toThrow(TypeError);
  });

  it.each([
    [{}, 'http/protobuf'],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'grpc'],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' }, 'http/protobuf'],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' }, 'grpc'],
  ])('issue #16: takes the OTLP protocol from %o', (env, protocol) => {
    expect(serveConfig({ otlpEndpoint: 'http://127.0.0.1:4317' }, env).otlp?.protocol).toBe(protocol);
  });

  it('issue #14: is unkeyed and exports nothing when the variables are unset or empty, reading no OTEL_* variable then', () => {
    const cfg = serveConfig({}, { ISOTRACE_AUDIT_KEY: '', OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_TRACES_SAMPLER_ARG: 'not read' });
    expect([cfg.audit.key, cfg.otlp, cfg.otlpEndpoint]).toEqual([null, null, null]);
    expect(serveConfig({ otlpEndpoint: 'http://a:1' }, {}).otlp).toMatchObject({ endpoint: 'http://a:1', sampleRatio: 1, serviceName: 'isotrace' });
  });

  it.each([
    [{ otlpEndpoint: 'http://a:1' }, { OTEL_TRACES_SAMPLER_ARG: '2' }, 'OTEL_TRACES_SAMPLER_ARG: expected a sampling ratio in 0..1, e.g. 0.1, got "2"'],
    [{}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:1', OTEL_RESOURCE_ATTRIBUTES: 'oops' }, 'OTEL_RESOURCE_ATTRIBUTES: entry 1 is not key=value (expected e.g. deployment.environment=prod,service.namespace=payments)'],
    [{ otlpEndpoint: 'ftp://a' }, {}, 'otlp.endpoint: expected an http:// or https:// URL, got the scheme ftp:'],
    [{ otlpEndpoint: 'http://a:1' }, { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, 'OTEL_EXPORTER_OTLP_PROTOCOL: expected one of http/protobuf, grpc, got "http/json"'],
    [{ otlpEndpoint: 'http://a:1' }, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grcp' }, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: expected one of http/protobuf, grpc, got "grcp"'],
  ])('issue #14: refuses a bad variable while resolving, before anything starts: %j %j', async (flags, env, message) => {
    expect(() => serveConfig(flags, env)).toThrow(ConfigError);
    expect(() => serveConfig(flags, env)).toThrow(message);
    const err: string[] = [];
    const io = { out: () => {}, err: (s: string) => err.push(s), readStdin: async () => Buffer.alloc(0) };
    expect(await runServe({ port: '0', ...flags }, io, env)).toBe(2);
    expect(err).toEqual([`isotrace: CONFIG_INVALID ${message}`]);
  });

  it("issue #14: the option table takes each transport and audit option's range and default from its component", () => {
    const table = [...SERVE_OPTIONS, ...AUDIT_OPTIONS];
    for (const name of TRANSPORT_OPTION_NAMES) {
      const o = table.find((x) => x.name === name)!;
      const [min, max] = SERVER_OPTION_RANGES[name];
      expect({ name, kind: o.kind, default: o.default }).toEqual({ name, kind: { type: name.endsWith('Ms') ? 'duration' : 'int', min, max }, default: DEFAULT_SERVER_OPTIONS[name] });
      for (const ok of [min, max]) expect(resolveServerOptions(serveConfig({ [name]: String(ok) }, {}).server)[name]).toBe(ok);
      expect(() => serveConfig({ [name]: String(max + 1) }, {})).toThrow(ConfigError);
      expect(() => resolveServerOptions({ [name]: max + 1 })).toThrow(`server.${name}: expected an integer in ${min}..${max}`);
    }
    for (const [name, key] of [['auditRetentionDays', 'retentionDays'], ['auditRetentionBytes', 'retentionBytes']] as const) {
      const [min, max] = AUDIT_OPTION_RANGES[key];
      expect(table.find((x) => x.name === name)).toMatchObject({ kind: { type: 'int', min, max }, default: DEFAULT_AUDIT_WRITER_OPTIONS[key] });
    }
  });
});

/** The entries of `names` in `from`. */
function pick<K extends string>(from: Readonly<Record<K, unknown>>, names: readonly K[]): Record<K, unknown> {
  return Object.fromEntries(names.map((n) => [n, from[n]])) as Record<K, unknown>;
}

describe('serve transport limits', () => {
  it('issue #13: accepts maxConnectionsPerAddress, as docs/config.md documents it, in the config file', () => {
    expect(serveConfig({ config: configFile({ maxConnectionsPerAddress: 5000 }) }, {}).maxConnectionsPerAddress).toBe(5000);
  });

  it.each([
    ['maxFrameBytes', '--max-frame-bytes', 'ISOTRACE_MAX_FRAME_BYTES', 8192, 4096],
    ['idleTimeoutMs', '--idle-timeout-ms', 'ISOTRACE_IDLE_TIMEOUT_MS', 300_000, 0],
    ['frameTimeoutMs', '--frame-timeout-ms', 'ISOTRACE_FRAME_TIMEOUT_MS', 10_000, 2_000],
    ['maxKeepAliveOnlyMs', '--max-keep-alive-only-ms', 'ISOTRACE_MAX_KEEP_ALIVE_ONLY_MS', 600_000, 60_000],
    ['maxConnections', '--max-connections', 'ISOTRACE_MAX_CONNECTIONS', 10_000, 50],
    ['maxConnectionsPerAddress', '--max-connections-per-address', 'ISOTRACE_MAX_CONNECTIONS_PER_ADDRESS', 1000, 20_000],
    ['maxInFlightPerConnection', '--max-in-flight-per-connection', 'ISOTRACE_MAX_IN_FLIGHT_PER_CONNECTION', 1000, 8],
    ['drainTimeoutMs', '--drain-timeout-ms', 'ISOTRACE_DRAIN_TIMEOUT_MS', 10_000, 500],
    ['backlog', '--backlog', 'ISOTRACE_BACKLOG', 1024, 4096],
    ['maxFormatErrorsPerConnection', '--max-format-errors-per-connection', 'ISOTRACE_MAX_FORMAT_ERRORS_PER_CONNECTION', 10, 0],
    ['maxFormatErrorsPerAddress', '--max-format-errors-per-address', 'ISOTRACE_MAX_FORMAT_ERRORS_PER_ADDRESS', 100, 500],
    ['formatErrorWindowMs', '--format-error-window-ms', 'ISOTRACE_FORMAT_ERROR_WINDOW_MS', 60_000, 10_000],
    ['formatErrorBanMs', '--format-error-ban-ms', 'ISOTRACE_FORMAT_ERROR_BAN_MS', 60_000, 0],
  ] as const)('issue #13: resolves %s from its flag %s, its variable %s and the config file', (name, _flag, env, dflt, value) => {
    expect(serveConfig({}, {})[name]).toBe(dflt);
    expect(serveConfig({ config: configFile({ [name]: value }) }, {})[name]).toBe(value);
    expect(serveConfig({}, { [env]: String(value) })[name]).toBe(value);
    expect(serveConfig({ [name]: String(value) }, { [env]: '1' })[name]).toBe(value);
    const expected = name.endsWith('Ms') ? 'a duration in \\d+\\.\\.\\d+ ms such as .+' : 'an integer in \\d+\\.\\.\\d+';
    expect(() => serveConfig({ [name]: '-5' }, {})).toThrow(new RegExp(`^${name} \\(from ${_flag}\\): expected ${expected}, got "-5"$`));
  });
});

describe('docs/config.md', () => {
  it('documents every serve option under its own heading, with its flag and variable', () => {
    const doc = readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8');
    const start = doc.indexOf('## `isotrace serve`');
    const section = doc.slice(start, doc.indexOf('\n## ', start));
    for (const o of SERVE_OPTIONS) {
      expect(section).toMatch(new RegExp(`### ${o.name} \\(`));
      expect(section).toContain(o.env);
    }
    expect(section.match(/^### /gm)?.length).toBe(SERVE_OPTIONS.length);
  });

  it('documents each option of isotrace issuer not taken from serve under its own heading, with its flag and variable', () => {
    const doc = readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8');
    const start = doc.indexOf('## `isotrace issuer`');
    const section = doc.slice(start, doc.indexOf('\n## ', start));
    const own = ISSUER_OPTIONS.filter((o) => !SERVE_OPTIONS.some((s) => s.name === o.name));
    expect(own.map((o) => o.name)).toEqual(['traceField', 'delayMs', 'jitterMs', 'dropRate', 'closeAfter']);
    for (const o of own) {
      expect(section).toMatch(new RegExp(`### ${o.name} \\(`));
      expect(section).toContain(`\`--${kebab(o.name)}\``);
      expect(section).toContain(o.env);
    }
    expect(section.match(/^### /gm)?.length).toBe(own.length);
    for (const o of ISSUER_OPTIONS.filter((i) => !own.includes(i))) expect(o.env).toBe(SERVE_OPTIONS.find((s) => s.name === o.name)!.env.replace('ISOTRACE_', 'ISOTRACE_ISSUER_'));
  });

  it('documents the audit options serve takes in the Audit section', () => {
    const doc = readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## Audit\n'), doc.indexOf('## Audit writer'));
    for (const o of AUDIT_OPTIONS) {
      expect(section).toMatch(new RegExp(`### ${o.name} \\(`));
      expect(section).toContain(o.env);
    }
  });
});
