// The trace a request continues: the W3C traceparent another process (a switch forwarding to this
// one) wrote at the configured field path. Absent or malformed, the request starts a trace of its
// own: logged at debug, never a failure of the transaction.

import { fieldPathText, readFieldPath, type FieldPath, type IsoMessage } from '../codec/index.js';
import type { Logger } from '../common/index.js';
import { parseTraceparent, type RemoteParent } from '../trace/index.js';

/** Why a request's trace context was not used. */
function ignored(log: Logger, path: FieldPath, reason: 'absent' | 'malformed', mti: string): null {
  if (log.isLevelEnabled('debug')) {
    log.debug({ evt: 'trace.context_ignored', field: fieldPathText(path), reason, mti }, `trace context ${reason}: a new trace starts`);
  }
  return null;
}

/**
 * The parent span named by the traceparent at `path` in `request`, or null (logged at debug) when
 * there is none or it is not a valid version 00 traceparent. Never throws.
 */
export function remoteParentOf(request: IsoMessage, path: FieldPath, log: Logger): RemoteParent | null {
  let text: string | null;
  try {
    text = readFieldPath(request, path);
  } catch {
    return ignored(log, path, 'malformed', request.mti); // the field's subelements do not parse
  }
  if (text === null) return ignored(log, path, 'absent', request.mti);
  return parseTraceparent(text) ?? ignored(log, path, 'malformed', request.mti);
}
