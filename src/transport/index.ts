// Public surface of src/transport: framing, one connection, the TCP server, dialing and backoff
// for outbound links. Knows frames, not fields; imports shared/ and codec/ (types only).

export { FramingError, ConnectionError, TimeoutError } from './errors.js';
export type { FramingErrorInfo } from './errors.js';
export { FRAMINGS, LENGTH_HEADERS } from './framing/length-headers.js';
export type { Framing, LengthHeader } from './framing/length-headers.js';
export { FRAME_HEADERS, TPDU_BYTES, parseTpdu, swappedTpdu, tpduHex, tpduNumber, writeTpdu } from './framing/tpdu.js';
export type { FrameHeader } from './framing/tpdu.js';
export { FrameDecoder } from './framing/decoder.js';
export type { FrameDecoderOptions, FrameSink } from './framing/decoder.js';
export { FrameEncoder, NO_TPDU } from './framing/encoder.js';
export type { FrameEncoderOptions } from './framing/encoder.js';
export { Connection, CLOSE_REASONS } from './connection.js';
export type { CloseReason, ConnectionContext, ConnectionOwner, ConnectionSettings } from './connection.js';
export { Sweeper, sweepIntervalMs } from './sweeper.js';
export type { Sweepable } from './sweeper.js';
export { Backoff } from './backoff.js';
export type { BackoffOptions } from './backoff.js';
export { FrameServer } from './server.js';
export type { BoundAddress, DrainResult, FrameHandler, RefuseReason, ServerEvents, ServerStats } from './server.js';
export { DEFAULT_SERVER_OPTIONS, MAX_FRAME_BYTES_LIMIT, SERVER_OPTION_RANGES, resolveServerOptions } from './server-options.js';
export type { ServerLimitName, ServerOptions, ResolvedServerOptions } from './server-options.js';
export { dial } from './dial.js';
export { CLIENT_AUTH_POLICIES, TLS_MIN_VERSION, checkTlsMaterial, clientTls, connectSocket, resolveTlsServerOptions } from './tls.js';
export type { ClientAuthPolicy, ClientTls, ResolvedTlsServerOptions, SocketTarget, TlsClientOptions, TlsMaterial, TlsServerOptions } from './tls.js';
export type { TlsFailure } from './tls-listener.js';
export type { DialTarget } from './dial.js';
export { drainOnSignals } from './signals.js';
export type { Drainable } from './signals.js';
