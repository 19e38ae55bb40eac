// Making IsoClients for tests, registered for cleanup.

import { IsoClient, type ClientOptions } from '../../../src/link/index.js';
import type { Cleanup } from '../../transport/helpers/sockets.js';

export function makeClient(cleanup: Cleanup, options: ClientOptions): IsoClient {
  const client = new IsoClient(options);
  cleanup.add(() => client.close());
  return client;
}
