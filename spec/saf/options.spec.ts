// SafQueue options: defaults, and every bad value refused at once with a ConfigError naming
// `saf.<option>` and what is allowed.

import { describe, expect, it } from 'vitest';
import { backoffMs, DEFAULT_SAF_QUEUE_OPTIONS, resolveSafQueueOptions, type SafQueueOptions } from '../../src/saf/index.js';
import { ConfigError } from '../../src/common/index.js';

describe('SafQueue options', () => {
  it('issue #15: fills in the defaults: 1 s doubling to 60 s, compaction at 1 MiB', () => {
    expect(resolveSafQueueOptions({ dir: '/x' })).toMatchObject({ dir: '/x', retryInitialMs: 1000, retryMaxMs: 60_000, compactAtBytes: 1024 * 1024 });
    expect([1, 2, 3, 6, 7, 20].map((n) => backoffMs(DEFAULT_SAF_QUEUE_OPTIONS, n))).toEqual([1000, 2000, 4000, 32_000, 60_000, 60_000]);
  });

  it.each([
    [{ dir: '' }, 'saf.dir', 'required'],
    [{ dir: '/x', retryInitialMs: 0 }, 'saf.retryInitialMs', '1'],
    [{ dir: '/x', retryInitialMs: 5000, retryMaxMs: 1000 }, 'saf.retryMaxMs', '5000'],
    [{ dir: '/x', compactAtBytes: 10 }, 'saf.compactAtBytes', '1024'],
    [{ dir: '/x', backoffMs: 10 }, 'saf.backoffMs', 'retryInitialMs'],
  ])('issue #15: refuses %j naming %s', (options, path, hint) => {
    let err: unknown;
    try {
      resolveSafQueueOptions(options as SafQueueOptions);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ code: 'CONFIG_INVALID', path });
    expect((err as Error).message).toContain(hint);
  });
});
