// Test sink: records frames (copied, since the decoder's bytes are valid only during the call).

import type { FrameSink } from '../../../src/transport/index.js';

export class CollectSink implements FrameSink {
  frames: Buffer[] = [];
  tpdus: Buffer[] = [];
  keepAlives = 0;
  /** The (buf, start, end) of each call, uncopied, to check zero-copy. */
  calls: Array<{ buf: Buffer; start: number; end: number }> = [];
  /** Frames to accept before asking the decoder to stop; Infinity = never stop. */
  stopAfter = Infinity;
  tpduSize: number;

  constructor(tpduSize = 0) {
    this.tpduSize = tpduSize;
  }

  onFrame(buf: Buffer, start: number, end: number): boolean {
    this.calls.push({ buf, start, end });
    this.frames.push(Buffer.copyBytesFrom(buf, start, end - start));
    if (this.tpduSize > 0) this.tpdus.push(Buffer.copyBytesFrom(buf, start - this.tpduSize, this.tpduSize));
    return this.frames.length < this.stopAfter;
  }

  onKeepAlive(): void {
    this.keepAlives++;
  }
}
