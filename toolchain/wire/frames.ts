// Owns the Content-Length framing that the debug adapter (DAP) and the language server
// (LSP) read: headers up to a blank line, then exactly Content-Length bytes of JSON. A
// malformed frame (a header without a usable Content-Length, one too long, a body that is
// not a JSON object) is reported as one line and skipped: reading resumes at the next
// "Content-Length:" header, so that a bad frame never ends or wedges a server. The bytes
// skipped belong to that one frame however many chunks they come in: one line per bad frame.

/** Longest header block taken before the frame is declared malformed. */
export const MAX_HEADER = 8 * 1024;
/** Largest body taken (an LSP document of tens of MiB still fits). */
export const MAX_BODY = 256 * 1024 * 1024;

import { printable } from '../elf/bytes';

const SEPARATOR = Buffer.from('\r\n\r\n');
const HEADER_START = Buffer.from('Content-Length:', 'latin1');

export interface FrameSink {
  /** A well-formed frame's message (a JSON object), with its body text. */
  message(value: Record<string, unknown>, body: string): void;
  /** One line on what was wrong with a frame and what was skipped. */
  malformed(line: string): void;
}

export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);
  /** The body length of the frame being read, or -1 while reading headers. */
  private length = -1;
  /** Dropping the rest of a frame already reported, up to the next header. */
  private skipping = false;
  /**
   * Chunks of a body still short of its Content-Length, joined to `buffer` once it is whole:
   * joining at every chunk copied a 5 MB didOpen hundreds of times.
   */
  private waiting: Buffer[] = [];
  private waitingBytes = 0;

  constructor(private readonly sink: FrameSink) {}

  push(chunk: Buffer): void {
    if (this.length >= 0 && !this.skipping && this.buffer.length + this.waitingBytes + chunk.length < this.length) {
      this.waiting.push(chunk);
      this.waitingBytes += chunk.length;
      return;
    }
    if (this.waiting.length > 0) {
      this.buffer = Buffer.concat([this.buffer, ...this.waiting, chunk]);
      this.waiting = [];
      this.waitingBytes = 0;
    } else this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      if (this.skipping) {
        this.dropToHeader(0);
        if (this.skipping) return;
      }
      if (this.length < 0) {
        if (!this.readHeader()) return;
        continue;
      }
      if (this.buffer.length < this.length) return;
      const body = this.buffer.toString('utf8', 0, this.length);
      this.buffer = this.buffer.subarray(this.length);
      this.length = -1;
      this.deliver(body);
    }
  }

  /** Reads one header block; false when more bytes are needed. */
  private readHeader(): boolean {
    const end = this.buffer.indexOf(SEPARATOR);
    if (end < 0) {
      if (this.buffer.length <= MAX_HEADER) return false;
      this.skip(`a header of more than ${MAX_HEADER} bytes without a blank line`, 1);
      return true;
    }
    const header = this.buffer.toString('latin1', 0, end);
    let length: string | undefined;
    for (const line of header.split('\r\n')) {
      const m = /^([^:]*):\s*(.*?)\s*$/.exec(line);
      if (m && m[1]!.toLowerCase() === 'content-length') length = m[2]!;
    }
    if (length === undefined) {
      this.skip(`a header without Content-Length ('${printable(header.slice(0, 40))}')`, 1);
      return true;
    }
    if (!/^[0-9]+$/.test(length)) {
      this.skip(`Content-Length '${printable(length.slice(0, 40))}' is not a number`, end + SEPARATOR.length);
      return true;
    }
    if (Number(length) > MAX_BODY) {
      this.skip(`Content-Length ${length.length > 40 ? `${length.slice(0, 40)}...` : length} is more than the limit of ${MAX_BODY} bytes`, end + SEPARATOR.length);
      return true;
    }
    this.length = Number(length);
    this.buffer = this.buffer.subarray(end + SEPARATOR.length);
    return true;
  }

  /** Reports a malformed frame and drops bytes up to the next header at or after `from`. */
  private skip(why: string, from: number): void {
    this.dropToHeader(from);
    this.sink.malformed(`${why}; skipped to the next header`);
  }

  /**
   * Drops bytes up to the next header at or after `from`; when none has come yet, keeps
   * dropping what arrives (silently: the frame was reported once) until one does.
   */
  private dropToHeader(from: number): void {
    const start = Math.min(from, this.buffer.length);
    const next = this.buffer.indexOf(HEADER_START, start);
    this.skipping = next < 0;
    if (next >= 0) this.buffer = this.buffer.subarray(next);
    else {
      // Keep only a tail that may be the start of the next header (always less than before).
      let keep = Math.min(HEADER_START.length - 1, this.buffer.length - start);
      while (keep > 0 && !this.buffer.subarray(this.buffer.length - keep).equals(HEADER_START.subarray(0, keep))) keep--;
      this.buffer = this.buffer.subarray(this.buffer.length - keep);
    }
  }

  private deliver(body: string): void {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch (e) {
      this.sink.malformed(`a body that is not JSON (${printable((e as Error).message.split('\n')[0]!)}); skipped`);
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.sink.malformed(`a body that is not a JSON object (${printable(body.slice(0, 40))}); skipped`);
      return;
    }
    this.sink.message(value as Record<string, unknown>, body);
  }
}

/** A message framed for the wire. */
export function frame(body: string): Buffer {
  const bytes = Buffer.from(body, 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${bytes.length}\r\n\r\n`, 'latin1'), bytes]);
}
