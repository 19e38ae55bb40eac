// `npm run bench`: runs every benchmark in order and prints its figures. Benchmarks back speed
// claims; tests never time anything.

import { run as audit } from './audit.bench.js';
import { run as cluster } from './cluster.bench.js';
import { run as codec } from './codec.bench.js';
import { run as load } from './load.bench.js';
import { run as metrics } from './metrics.bench.js';
import { run as remote } from './remote.bench.js';
import { run as store } from './store.bench.js';
import { run as switchBench } from './switch.bench.js';
import { run as tls } from './tls.bench.js';
import { run as trace } from './trace.bench.js';
import { run as transport } from './transport.bench.js';

const BENCHES: Array<[string, () => void | Promise<void>]> = [['codec', codec], ['transport', transport], ['trace', trace], ['switch', switchBench], ['remote', remote], ['audit', audit], ['metrics', metrics], ['load', load], ['tls', tls], ['store', store], ['cluster', cluster]];

const only = process.argv[2];
for (const [name, run] of BENCHES) {
  if (only !== undefined && only !== name) continue;
  await run();
}
