// LineCursor: reads a growing file's complete lines, a chunk at a time, from where it left off.
// Never returns a partial last line (one still being written, or torn by a crash): it is held back
// until its newline arrives. Read-only.

import { open, type FileHandle } from 'node:fs/promises';

const CHUNK_BYTES = 256 * 1024;
const NEWLINE = 0x0a;

export class LineCursor {
  readonly path: string;
  /** Lines returned so far; the next line returned is line `lineNo + 1`. */
  lineNo = 0;
  #handle: FileHandle | null = null;
  /** Bytes read so far, partial line included. */
  #offset = 0;
  /** The bytes after the last newline read, copied out of the reused chunk buffer. */
  #partial: Buffer | null = null;
  #chunk: Buffer | null = null;

  constructor(path: string) {
    this.path = path;
  }

  /** Bytes after the last complete line: a line still being written, or torn. */
  get partialBytes(): number {
    return this.#partial === null ? 0 : this.#partial.length;
  }

  /**
   * The complete lines (text without the newline) in the next chunk of the file, or null when the
   * file holds nothing more for now. Lines are utf8, as JSON.stringify wrote them.
   * A file that shrank (a torn line cut off by repair) is followed from its new end.
   */
  async next(): Promise<string[] | null> {
    this.#handle ??= await open(this.path, 'r');
    // Unsafe is fine: only the bytesRead bytes that read() just filled are ever looked at.
    this.#chunk ??= Buffer.allocUnsafe(CHUNK_BYTES);
    const { bytesRead } = await this.#handle.read(this.#chunk, 0, CHUNK_BYTES, this.#offset);
    if (bytesRead === 0) {
      if (this.#partial !== null && (await this.#handle.stat()).size < this.#offset) {
        this.#offset -= this.#partial.length;
        this.#partial = null;
      }
      return null;
    }
    this.#offset += bytesRead;
    return this.#split(this.#chunk.subarray(0, bytesRead));
  }

  #split(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      if (this.#partial === null) {
        lines.push(chunk.toString('utf8', start, nl));
      } else {
        lines.push(Buffer.concat([this.#partial, chunk.subarray(start, nl)]).toString('utf8'));
        this.#partial = null;
      }
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = Buffer.from(chunk.subarray(start));
      this.#partial = this.#partial === null ? rest : Buffer.concat([this.#partial, rest]);
    }
    this.lineNo += lines.length;
    return lines;
  }

  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = null;
    await handle?.close();
  }
}
