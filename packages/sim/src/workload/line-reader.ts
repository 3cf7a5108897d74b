import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** Bytes read per chunk: a few hundred rows of a trace. */
const CHUNK_BYTES = 64 * 1024;

/**
 * Reads a text file line by line, synchronously, one chunk at a time, so a trace of any length costs one
 * chunk of memory. Each chunk opens the file, reads at the current offset and closes it again: no file
 * descriptor stays open between simulation events, so a run that stops half-way through a trace (and never
 * tells the workload) leaks nothing.
 *
 * Lines end at `\n`; a trailing `\r` (CRLF files) and a leading byte-order mark are removed. An I/O error
 * after the first chunk ends the stream and is kept in {@link LineReader.error} rather than thrown: the
 * simulation it feeds is mid-run by then.
 *
 * @example
 * ```ts
 * const lines = new LineReader('trace.csv');
 * for (let line = lines.next(); line !== undefined; line = lines.next()) handle(line);
 * ```
 */
export class LineReader {
  readonly path: string;
  /** The I/O error that ended the stream early, if one did. */
  error: Error | undefined;
  private readonly buffer: Buffer;
  private readonly decoder = new StringDecoder('utf8');
  private position = 0;
  private text = '';
  private offset = 0;
  private atEnd = false;
  private first = true;

  /** Reads the first chunk now, so a missing or unreadable file throws here, from the constructor. */
  constructor(path: string, chunkBytes = CHUNK_BYTES) {
    this.path = path;
    this.buffer = Buffer.allocUnsafe(chunkBytes);
    this.fill(true);
  }

  /** The next line, without its line ending; `undefined` at the end of the file. */
  next(): string | undefined {
    for (;;) {
      const newline = this.text.indexOf('\n', this.offset);
      if (newline >= 0) return this.take(newline, newline + 1);
      if (this.atEnd)
        return this.offset < this.text.length ? this.take(this.text.length, this.text.length) : undefined;
      this.fill(false);
    }
  }

  private take(end: number, nextOffset: number): string {
    let line = this.text.slice(this.offset, end);
    this.offset = nextOffset;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (this.first) {
      this.first = false;
      if (line.startsWith('\uFEFF')) line = line.slice(1);
    }
    return line;
  }

  private fill(mayThrow: boolean): void {
    let bytes: number;
    try {
      const fd = openSync(this.path, 'r');
      try {
        bytes = readSync(fd, this.buffer, 0, this.buffer.length, this.position);
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      if (mayThrow) throw error;
      this.error = error instanceof Error ? error : new Error(String(error));
      bytes = 0;
    }
    this.position += bytes;
    // Keep only the unread tail: memory stays at about one chunk.
    const rest = this.text.slice(this.offset);
    this.offset = 0;
    if (bytes === 0) {
      this.atEnd = true;
      this.text = rest + this.decoder.end();
    } else {
      // The decoder holds back a multi-byte character split across two chunks.
      this.text = rest + this.decoder.write(this.buffer.subarray(0, bytes));
    }
  }
}
