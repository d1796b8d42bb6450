// Console output of a machine: bytes from the UART and from semihosting, kept in the order
// the guest produced them across the two host streams, and handed to the host in chunks
// (a write per guest byte would dominate the run time of a chatty guest).

export type Stream = 'stdout' | 'stderr';

/** Where console bytes finally go (the CLI: process.stdout / process.stderr). */
export type OutputSink = (stream: Stream, bytes: Uint8Array) => void;

const CAPACITY = 64 * 1024;

export class ConsoleOutput {
  private buf = new Uint8Array(CAPACITY);
  private len = 0;
  private stream: Stream = 'stdout';

  constructor(private readonly sink: OutputSink) {}

  putByte(stream: Stream, byte: number): void {
    if (stream !== this.stream) {
      this.flush();
      this.stream = stream;
    }
    this.buf[this.len++] = byte;
    if (this.len === CAPACITY) this.flush();
  }

  /** Copies `bytes` (the caller may reuse them afterwards). */
  putBytes(stream: Stream, bytes: Uint8Array): void {
    if (stream !== this.stream) {
      this.flush();
      this.stream = stream;
    }
    for (let i = 0; i < bytes.length; ) {
      const n = Math.min(CAPACITY - this.len, bytes.length - i);
      this.buf.set(bytes.subarray(i, i + n), this.len);
      this.len += n;
      i += n;
      if (this.len === CAPACITY) this.flush();
    }
  }

  putText(stream: Stream, text: string): void {
    this.putBytes(stream, new TextEncoder().encode(text));
  }

  /** Hands the buffered bytes to the sink (the sink gets its own copy). */
  flush(): void {
    if (this.len === 0) return;
    const out = this.buf.slice(0, this.len);
    this.len = 0;
    this.sink(this.stream, out);
  }
}
