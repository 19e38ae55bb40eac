// Public surface of src/link: message-level links above transport's frames. IsoClient (one
// outbound link, many requests matched to their responses), match keys, the 0800 sign-on/echo it
// builds and answers, STAN counters. Imports shared/, codec/, transport/.

export { IsoClient } from './client.js';
export type { ClientEvents, ClientStats, LinkState } from './client-options.js';
export { DEFAULT_CLIENT_OPTIONS, DEFAULT_RECONNECT, resolveClientOptions } from './client-options.js';
export type { ClientOptions, Endpoint, ReconnectOptions, ResolvedClientOptions } from './client-options.js';
export { DEFAULT_KEY_FIELDS, defaultKeyOf, keyOfFields, missingFields } from './match-key.js';
export type { KeyOf } from './match-key.js';
export { isNetworkAccepted, networkRequest, networkResponse } from './network.js';
export type { NetworkAction } from './network.js';
export { MAX_STAN, StanCounter, stanAfter } from './stan-counter.js';
