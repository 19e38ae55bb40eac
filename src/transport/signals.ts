// drainOnSignals: SIGTERM / SIGINT start a graceful drain, once. For the CLI's composition root;
// the transport itself never installs process handlers.

import type { Logger } from '../common/index.js';

export interface Drainable {
  drain(): Promise<unknown>;
}

/**
 * On the first of `signals`, logs and calls `target.drain()`, then `onDrained` with its result
 * (where the CLI exits). A second signal while draining is logged and ignored.
 * @returns a function that removes the handlers.
 */
export function drainOnSignals(
  target: Drainable,
  onDrained: (result: unknown) => void,
  log: Logger,
  signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'],
): () => void {
  let isDraining = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (isDraining) {
      log.warn({ evt: 'server.signal', signal }, 'already draining');
      return;
    }
    isDraining = true;
    log.info({ evt: 'server.signal', signal }, `${signal}: draining`);
    target.drain().then(onDrained, (err: Error) => {
      log.error({ evt: 'server.drain-failed', err: { message: err.message } }, 'drain failed');
      onDrained(err);
    });
  };
  for (const s of signals) process.on(s, handler);
  return () => {
    for (const s of signals) process.off(s, handler);
  };
}
