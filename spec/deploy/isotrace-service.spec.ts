// deploy/isotrace.service, the systemd unit docs/deploy.md describes: systemd's own parser finds
// nothing to say about it (systemd-analyze verify, where systemd is installed), and its stop
// timeout covers the switch's drain plus the trace flush.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SERVER_OPTIONS } from '../../src/transport/index.js';
import { ROOT } from '../helpers/child-serve.js';
import { Resources } from '../helpers/serve-harness.js';

const resources = new Resources();
afterEach(() => resources.run());

const UNIT = readFileSync(join(ROOT, 'deploy/isotrace.service'), 'utf8');
const SYSTEMD_ANALYZE = '/usr/bin/systemd-analyze';

/** The value of `key` in the unit (the last one set, as systemd reads it). */
function setting(key: string): string | undefined {
  return [...UNIT.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].at(-1)?.[1];
}

describe('deploy/isotrace.service', () => {
  it('issue #16: passes systemd-analyze verify, its ExecStart pointed at this node and this checkout', () => {
    // verify checks that ExecStart's program exists, so the copy runs the node and checkout at hand.
    const dir = mkdtempSync(join(tmpdir(), 'isotrace-unit-'));
    resources.add(() => rmSync(dir, { recursive: true, force: true }));
    const unit = join(dir, 'isotrace.service');
    writeFileSync(unit, UNIT.replace('/usr/bin/node /opt/isotrace/', `${process.execPath} ${ROOT}`));
    expect(readFileSync(unit, 'utf8')).toContain(`ExecStart=${process.execPath} ${ROOT}bin/isotrace.js serve`);
    // Where systemd is not installed there is nothing to verify with; the unit's settings are still checked below.
    if (!existsSync(SYSTEMD_ANALYZE)) return;
    const run = spawnSync(SYSTEMD_ANALYZE, ['verify', unit], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('issue #16: restarts on failure but not on a bad configuration, and waits for the drain and the trace flush on stop', () => {
    expect(setting('Restart')).toBe('on-failure');
    expect(setting('RestartPreventExitStatus')).toBe('2');
    expect(setting('KillSignal')).toBe('SIGTERM');
    const stopSeconds = Number(/^(\d+)s$/.exec(setting('TimeoutStopSec') ?? '')?.[1]);
    expect(stopSeconds).toBeGreaterThanOrEqual(DEFAULT_SERVER_OPTIONS.drainTimeoutMs / 1000 + 2);
    expect(Number(setting('LimitNOFILE'))).toBeGreaterThanOrEqual(DEFAULT_SERVER_OPTIONS.maxConnections + 100);
    expect(setting('User')).toBe('isotrace');
    expect(setting('WorkingDirectory')).toBe(`/var/lib/${setting('StateDirectory')}`);
  });
});
