// An answer kept for repeats in a store shared by several switches holds no clear PAN: DE 2,
// which an answer echoes, is taken out before it is stored and put back, from the repeat's own
// request, when a repeat is answered. Packing is deterministic, so the repeat's answer is the
// first one byte for byte. Not on the path of a first request.

import type { Codec, IsoMessage } from '../codec/index.js';
import type { CachedAnswer } from './duplicates.js';

/** `answer` without DE 2, packed again; as is when it has none. @throws DecodeError, EncodeError for bytes the codec did not pack. */
export function answerWithoutPan(codec: Codec, answer: CachedAnswer): CachedAnswer {
  const msg = codec.unpack(answer.bytes);
  if (!msg.has(2)) return answer;
  return { bytes: codec.pack(msg.unset(2)), responseCode: answer.responseCode, approvalCode: answer.approvalCode };
}

/**
 * The answer to send a repeat of `request` from the first answer's bytes: the same bytes, or, when
 * they were kept without DE 2 and the request has one, the answer with the request's DE 2 back in.
 */
export function answerForRepeat(codec: Codec, kept: Buffer, request: IsoMessage): { bytes: Buffer; message: IsoMessage } {
  const message = codec.unpack(kept);
  const pan = request.get(2);
  if (message.has(2) || pan === undefined) return { bytes: kept, message };
  message.set(2, pan);
  return { bytes: codec.pack(message), message };
}
