// Approvals in flight: a reversal waits until no request it names is under way.

import { describe, expect, it } from 'vitest';
import { InFlightOriginals } from '../../src/switch/in-flight.js';

interface Req {
  key: string;
}

describe('InFlightOriginals', () => {
  it('has nothing to wait for when no request it names is under way', () => {
    const f = new InFlightOriginals<Req>();
    const a = { key: '000001|1205120000' };
    expect(f.settled((r) => r.key === a.key)).toBeNull();
    f.begin(a);
    expect(f.settled((r) => r.key === 'other')).toBeNull();
    f.end(a);
    expect(f.settled((r) => r.key === a.key)).toBeNull();
    expect(f.size).toBe(0);
  });

  it('lets waiting reversals go once every request they name has ended, not before', async () => {
    const f = new InFlightOriginals<Req>();
    const [r1, r2, other] = [{ key: 'k' }, { key: 'k' }, { key: 'x' }];
    f.begin(r1);
    f.begin(r2);
    f.begin(other);
    const order: string[] = [];
    const a = f.settled((r) => r.key === 'k')!.then(() => order.push('a'));
    const b = f.settled((r) => r.key === 'k')!.then(() => order.push('b'));
    f.end(r1);
    await Promise.resolve();
    await Promise.resolve();
    expect(order).toEqual([]);
    f.end(r2);
    await Promise.all([a, b]);
    expect(order).toEqual(['a', 'b']);
    expect(f.settled((r) => r.key === 'x')).not.toBeNull();
    expect(f.size).toBe(1);
    f.end(r1); // ending twice is harmless
    expect(f.size).toBe(1);
  });
});
