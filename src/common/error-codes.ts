// The one registry of stable error codes. Never rename a code: callers match on it.
// docs/errors.md lists the same codes; spec/common/error-codes.spec.ts keeps the two in sync.

export const ERROR_CODES = {
  // codec: decoding
  CODEC_TRUNCATED: 'the message ends inside an element',
  CODEC_TRAILING_BYTES: 'bytes remain after the last field the bitmap announces',
  CODEC_BAD_MTI: 'the MTI is not four digits',
  CODEC_BAD_BITMAP: 'a hex-ASCII bitmap holds a character that is not a hex digit',
  CODEC_EMPTY_BITMAP: 'no longer raised: an announced secondary or tertiary bitmap with no bit set is accepted',
  CODEC_UNDEFINED_FIELD: 'the bitmap announces a field the spec does not define',
  CODEC_BAD_LENGTH_PREFIX: 'a length prefix holds a non-digit or a BCD nibble above 9',
  CODEC_LENGTH_EXCEEDS_MAX: 'a length exceeds the field maximum',
  CODEC_BAD_DIGIT: 'a numeric field holds a non-digit',
  CODEC_BAD_CHAR: 'a field holds a character outside its class',
  CODEC_BAD_BCD: 'a BCD field holds a nibble that is not a digit',
  CODEC_BAD_PAD: 'a pad nibble differs from the one the spec names',
  CODEC_BAD_SIGN: 'an x+n amount has a sign other than C or D',
  CODEC_BAD_HEX: 'a hex-ASCII binary field holds a non-hex character',
  CODEC_BAD_TLV: 'BER-TLV data is truncated or malformed',
  CODEC_BAD_SUBELEMENT: 'a field of tagged subelements (tag, 3-digit length, value, as DE 48) is truncated or has a non-digit length',
  // codec: encoding
  CODEC_MISSING_MTI: 'the message to encode has no valid MTI',
  CODEC_BAD_VALUE: 'a field value has the wrong type for its class',
  CODEC_BAD_LENGTH: 'a fixed-length value has the wrong length',
  CODEC_BAD_JSON: 'the JSON form of a message is not {"mti": "...", "fields": {...}}',
  // codec: specs
  SPEC_INVALID: 'a spec is malformed: a field definition names an unknown or impossible layout',
  SPEC_NOT_FOUND: 'no built-in spec has that name and no file exists at that path',
  SPEC_EXTEND_CYCLE: 'a spec extends itself through a chain of extends',
  // config
  CONFIG_INVALID: 'an option is unknown, missing, of the wrong type or outside its allowed range',
  // command line
  CLI_UNKNOWN_COMMAND: 'isotrace has no command (or sub-command) of that name',
  CLI_UNKNOWN_OPTION: 'the command has no option of that name',
  CLI_MISSING_ARGUMENT: 'a required argument, or the value of an option, is missing',
  CLI_TOO_MANY_ARGUMENTS: 'more arguments were given than the command takes',
  CLI_BAD_VALUE: 'an option or argument value is malformed, out of range or not one of its choices',
  CLI_BAD_USAGE: 'the options given do not go together, or the input they call for is missing',
  CLI_FILE_ACCESS: 'a file or folder named on the command line cannot be read or written',
  CLI_INTERNAL: 'an unexpected failure inside isotrace: a bug to report, with the command that caused it',
  // simulator
  LOAD_NO_ANSWER: 'a load run ended with no request answered: the switch was unreachable or never answered',
  // transport: framing
  FRAME_TOO_LARGE: 'a length header announces more than maxFrameBytes, or a frame to send is longer than its header can express',
  FRAME_BAD_HEADER: 'a length header is malformed: a non-digit, a bad BCD nibble or hex digit, non-zero vmlh filler, or a binary2-incl length below 2',
  FRAME_BAD_TPDU: 'a frame is too short to hold its 5-byte TPDU, or a TPDU to send is not 5 bytes',
  // transport: connections and the server
  CONN_IDLE_TIMEOUT: 'no bytes arrived from the peer within idleTimeoutMs',
  CONN_FRAME_TIMEOUT: 'a frame was started but not finished within frameTimeoutMs',
  CONN_KEEPALIVE_ONLY: 'the peer sent only keep-alives, no message, for maxKeepAliveOnlyMs',
  CONN_DRAIN_TIMEOUT: 'in-flight work did not finish within the drain deadline; the connection was closed',
  CONN_REFUSED: 'a new connection was closed at once: maxConnections or maxConnectionsPerAddress reached, or its address is refused for format errors',
  CONN_FORMAT_ERRORS: 'a connection sent more unreadable frames (format errors) than allowed within the window; it was closed',
  CONN_TLS_HANDSHAKE: 'a TLS client did not complete its handshake: a protocol below TLS 1.2, no common cipher, bytes that are not a ClientHello, a client that closed or stalled part-way (tlsHandshakeTimeoutMs); it got no connection',
  CONN_TLS_CLIENT_CERT: 'a TLS client presented no certificate, or one not signed by --tls-ca, where --tls-client-auth require asks for one; it was refused',
  SERVER_LISTEN_FAILED: 'the terminals\' listener or the admin HTTP listener could not bind its host and port',
  // transport: the client link
  LINK_DOWN: 'the link is not up, or dropped while the request was in flight',
  LINK_CLOSED: 'the client was closed',
  LINK_CONNECT_FAILED: 'the link could not be established within reconnect.maxAttempts attempts',
  LINK_SIGN_ON_FAILED: 'the sign-on (0800, DE 70 = 001) was refused or not answered',
  LINK_BUSY: 'maxInFlight requests are already waiting on the link',
  REQUEST_TIMEOUT: 'no matching response arrived within requestTimeoutMs',
  REQUEST_NO_KEY: 'the request lacks the fields its link matches responses on',
  REQUEST_DUPLICATE_KEY: 'a request with the same match key is already in flight',
  // issuer and routing
  ISSUER_TIMEOUT: 'the issuer did not answer within the issuer timeout',
  ISSUER_UNAVAILABLE: 'the issuer named by a route is not reachable or not configured',
  ROUTE_NOT_FOUND: 'no BIN route matches the card number',
  ISSUER_FIELD_UNMAPPABLE: "a field cannot be carried between the terminal's spec and the issuer link's: the target spec does not define it, or its value does not fit there",
  ISSUER_ORIGINAL_INCOMPLETE: 'the original a reversal names lacks a field its original data elements (DE 90, or DE 56 in 1993) are built from',
  // switch
  SWITCH_INTERNAL: 'a stage failed unexpectedly; the request was answered with RC 96',
  // audit
  AUDIT_WRITE_FAILED: 'an audit batch could not be written or synced to disk; its records are not in the log',
  AUDIT_OPEN_FAILED: 'the audit directory or its current file could not be created or opened',
  AUDIT_LOCKED: 'another running switch holds the audit directory (its LOCK file); only one writer may extend a chain',
  AUDIT_CLOSED: 'a record was appended after the audit writer was closed',
  AUDIT_BAD_RECORD: 'an audit record cannot be written (not a JSON object, or holds prev or hash) or a stored line cannot be read',
  AUDIT_CHAIN_BROKEN: 'an audit line was edited, removed, inserted or reordered: its hash or prev does not match',
  AUDIT_DIR_NOT_FOUND: 'the audit directory does not exist',
  AUDIT_HEAD_MISMATCH: 'the log does not match its sealed head (audit.head): it ends before the head (records were removed from the end), or the head is missing, unreadable or edited',
  AUDIT_KEY_REQUIRED: 'the audit log is keyed (HMAC) and cannot be verified without its key',
  AUDIT_RECORD_NOT_FOUND: 'audit show found no record with that id, trace id (or prefix), RRN, STAN or terminal',
  AUDIT_KEY_AMBIGUOUS: 'audit show found several records for the lookup and listed them instead of choosing one',
  // store-and-forward queue
  SAF_OPEN_FAILED: 'the saf directory, its key or its log could not be created, opened or read',
  SAF_LOCKED: 'another running process holds the saf directory (its LOCK file); only one may deliver its advices',
  SAF_WRITE_FAILED: 'a saf batch could not be written or synced to disk; the calls waiting on it were refused',
  SAF_CLOSED: 'the saf queue was used after it was closed',
  SAF_BAD_LOG: 'a line of the saf log (not its torn last line) is not a saf event, or names an entry twice',
  SAF_DIR_NOT_FOUND: 'the saf directory does not exist',
  SAF_KEY_MISSING: 'the saf log holds sealed fields but the directory has no saf.key, or the file --saf-key-file names does not exist (--store)',
  SAF_KEY_INVALID: "saf.key (or the --saf-key-file) is not 32 bytes, is readable by other users, does not open the sealed fields, or is not the key the store's queue is sealed with (another key)",
  SAF_BAD_ENTRY: 'an advice to queue is malformed: no issuer, an MTI that is not an advice, a field that is not text',
  SAF_FORBIDDEN_FIELD: 'an advice to queue holds track data, a PIN block or ICC data (DE 35, 36, 45, 52, 55): never stored',
  SAF_ENTRY_NOT_FOUND: 'no entry owed with that id (never queued, or already acknowledged or purged)',
  // store: PostgreSQL (--store)
  STORE_UNAVAILABLE: 'the PostgreSQL store cannot be reached, dropped the connection or did not answer in time; strict mode answers 96 until it is back',
  STORE_QUERY_FAILED: 'the PostgreSQL store refused a statement (a constraint, a permission, a schema that does not match): a bug or a tampered schema',
  STORE_SCHEMA_NEWER: 'the database holds a schema version newer than this build knows: upgrade isotrace, never downgrade a shared store',
  STORE_MIGRATION_FAILED: 'a schema migration could not be applied; nothing of it was kept (each runs in one transaction)',
  STORE_NODE_IN_USE: 'another running switch holds this node id on the store; each process needs its own (--node-id)',
  STORE_NO_TXN_LOG: 'the database given to an audit tool holds no isotrace transaction log: no switch with --store has run on it',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** True when `code` is a registered error code. */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}
