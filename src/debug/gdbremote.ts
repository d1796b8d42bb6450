// A small client for the GDB Remote Serial Protocol over TCP (the gdb manual, "Remote
// Protocol"): enough to drive QEMU's gdb stub one instruction at a time. Packets are
// `$data#cs` (cs: the sum of the data bytes mod 256, two hex digits); `}` escapes the next
// byte (xor 0x20); `c*n` repeats c (n - 29) more times. One request is in flight at a
// time; every request has a timeout, after which the connection is unusable.

import { connect, type Socket } from 'node:net';

export class GdbError extends Error {
  override name = 'GdbError';
}

/** Why the target stopped: a signal (T/S), it exited (W), or it was killed by a signal (X). */
export type StopReply =
  | { kind: 'signal'; signal: number; info: Map<string, string> }
  | { kind: 'exited'; code: number }
  | { kind: 'killed'; signal: number };

export interface GdbOptions {
  /** Milliseconds to wait for each reply (default 10 s). */
  timeoutMs?: number;
}

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

/** The checksum of a packet's data as sent (escapes included). */
export function checksum(data: Uint8Array | string): number {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  let s = 0;
  for (const b of bytes) s = (s + b) & 0xff;
  return s;
}

/** Frames `data` as a packet, escaping `$ # } *`. */
export function encodePacket(data: string): string {
  const body = data.replace(/[$#}*]/g, (c) => '}' + String.fromCharCode(c.charCodeAt(0) ^ 0x20));
  return `$${body}#${hex2(checksum(body))}`;
}

/** Undoes escapes and run-length encoding of a packet's data (as received, checksum already checked). */
export function decodePacketData(raw: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i];
    if (b === 0x7d /* } */ && i + 1 < raw.length) {
      out.push(raw[++i] ^ 0x20);
    } else if (b === 0x2a /* * */ && out.length > 0 && i + 1 < raw.length) {
      const n = raw[++i] - 29;
      const c = out[out.length - 1];
      for (let k = 0; k < n; k++) out.push(c);
    } else {
      out.push(b);
    }
  }
  return Uint8Array.from(out);
}

/** Parses a stop reply packet (S, T, W, X); null for anything else. */
export function parseStopReply(p: string): StopReply | null {
  const kind = p[0];
  if ((kind === 'S' || kind === 'T') && /^[0-9a-f]{2}/i.test(p.slice(1))) {
    const info = new Map<string, string>();
    for (const part of p.slice(3).split(';')) {
      const colon = part.indexOf(':');
      if (colon > 0) info.set(part.slice(0, colon), part.slice(colon + 1));
    }
    return { kind: 'signal', signal: parseInt(p.slice(1, 3), 16), info };
  }
  if (kind === 'W' && /^[0-9a-f]+/i.test(p.slice(1))) return { kind: 'exited', code: parseInt(p.slice(1), 16) };
  if (kind === 'X' && /^[0-9a-f]+/i.test(p.slice(1))) return { kind: 'killed', signal: parseInt(p.slice(1), 16) };
  return null;
}

export function hexToBytes(h: string): Uint8Array {
  if (h.length % 2 !== 0 || /[^0-9a-f]/i.test(h)) throw new GdbError(`bad hex data '${h.slice(0, 40)}'`);
  return Uint8Array.from(Buffer.from(h, 'hex'));
}

type Waiter = { resolve: (p: string) => void; reject: (e: Error) => void };

export class GdbRemote {
  private buf: Buffer = Buffer.alloc(0);
  private readonly packets: string[] = [];
  private waiter: Waiter | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private ack = true;
  private closed: Error | null = null;
  private readonly timeoutMs: number;

  private constructor(
    private readonly sock: Socket,
    opts: GdbOptions,
  ) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    sock.setNoDelay(true);
    sock.on('data', (d) => this.onData(d));
    sock.on('error', (e) => this.fail(new GdbError(`gdb connection: ${e.message}`)));
    sock.on('close', () => this.fail(new GdbError('gdb connection closed')));
  }

  /** Connects to a stub; rejects if the connection is refused or takes longer than the timeout. */
  static connect(host: string, port: number, opts: GdbOptions = {}): Promise<GdbRemote> {
    return new Promise((resolve, reject) => {
      const sock = connect({ host, port });
      const timer = setTimeout(() => {
        sock.destroy();
        reject(new GdbError(`timed out connecting to ${host}:${port}`));
      }, opts.timeoutMs ?? 10_000);
      sock.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      sock.once('connect', () => {
        clearTimeout(timer);
        sock.removeAllListeners('error');
        resolve(new GdbRemote(sock, opts));
      });
    });
  }

  private fail(e: Error): void {
    if (this.closed) return;
    this.closed = e;
    const w = this.waiter;
    this.waiter = null;
    w?.reject(e);
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    for (;;) {
      const start = this.buf.indexOf(0x24); // $
      if (start < 0) {
        this.buf = Buffer.alloc(0); // acks (+ -) and noise before a packet
        return;
      }
      const hash = this.buf.indexOf(0x23, start + 1); // #
      if (hash < 0 || hash + 2 >= this.buf.length) {
        this.buf = this.buf.subarray(start);
        return;
      }
      const raw = this.buf.subarray(start + 1, hash);
      const cs = parseInt(this.buf.subarray(hash + 1, hash + 3).toString('latin1'), 16);
      this.buf = this.buf.subarray(hash + 3);
      if (cs !== checksum(raw)) {
        if (this.ack) this.sock.write('-');
        else this.fail(new GdbError('packet with a bad checksum'));
        continue;
      }
      if (this.ack) this.sock.write('+');
      const text = Buffer.from(decodePacketData(raw)).toString('latin1');
      if (/^O[0-9a-f]+$/i.test(text)) continue; // console output (O + hex), never a reply
      this.packets.push(text);
      this.deliver();
    }
  }

  private deliver(): void {
    if (this.waiter && this.packets.length > 0) {
      const w = this.waiter;
      this.waiter = null;
      w.resolve(this.packets.shift()!);
    }
  }

  private nextPacket(timeoutMs: number, what: string): Promise<string> {
    if (this.closed) return Promise.reject(this.closed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        const e = new GdbError(`no reply to '${what}' within ${timeoutMs} ms`);
        this.fail(e);
        reject(e);
      }, timeoutMs);
      this.waiter = {
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.deliver();
    });
  }

  /** Sends `data` as a packet and resolves to the reply packet's data. */
  request(data: string, timeoutMs = this.timeoutMs, interruptAfterMs?: number): Promise<string> {
    const run = async (): Promise<string> => {
      if (this.closed) throw this.closed;
      this.sock.write(encodePacket(data));
      // A target still running after interruptAfterMs gets a ^C (0x03): it stops and replies.
      const timer = interruptAfterMs === undefined ? undefined : setTimeout(() => this.interrupt(), interruptAfterMs);
      try {
        return await this.nextPacket(timeoutMs, data.slice(0, 32));
      } finally {
        clearTimeout(timer);
      }
    };
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => undefined);
    return p;
  }

  private async ok(data: string): Promise<void> {
    const r = await this.request(data);
    if (r !== 'OK') throw new GdbError(`'${data.slice(0, 32)}' failed: '${r}'`);
  }

  /** Turns off acks (QStartNoAckMode) when the stub supports it. */
  async startNoAck(): Promise<boolean> {
    const r = await this.request('QStartNoAckMode');
    if (r === 'OK') this.ack = false;
    return r === 'OK';
  }

  /** Reads a qXfer object (e.g. features / target.xml) in pieces. */
  async readXfer(object: string, annex: string): Promise<string> {
    let out = '';
    for (;;) {
      const r = await this.request(`qXfer:${object}:read:${annex}:${out.length.toString(16)},ffb`);
      if (r[0] !== 'm' && r[0] !== 'l') throw new GdbError(`qXfer ${object} ${annex} failed: '${r}'`);
      out += r.slice(1);
      if (r[0] === 'l') return out;
    }
  }

  /** Why the target is stopped now ('?'). */
  async haltReason(): Promise<StopReply> {
    return this.stopReply('?');
  }

  /** Sends ^C (0x03, outside any packet): a running target stops and sends a stop reply. */
  interrupt(): void {
    if (!this.closed) this.sock.write(Buffer.from([0x03]));
  }

  private async stopReply(cmd: string, timeoutMs?: number, interruptAfterMs?: number): Promise<StopReply> {
    const r = await this.request(cmd, timeoutMs, interruptAfterMs);
    const s = parseStopReply(r);
    if (s === null) throw new GdbError(`'${cmd}': unexpected reply '${r}'`);
    return s;
  }

  /** All registers ('g'), as the stub's bytes (target byte order). */
  async readRegisters(): Promise<Uint8Array> {
    const r = await this.request('g');
    if (r[0] === 'E') throw new GdbError(`'g' failed: ${r}`);
    return hexToBytes(r);
  }

  /** One register by its number in the target description ('p'). */
  async readRegister(n: number): Promise<Uint8Array> {
    const r = await this.request(`p${n.toString(16)}`);
    if (r[0] === 'E' || r === '') throw new GdbError(`'p${n.toString(16)}' failed: '${r}'`);
    return hexToBytes(r);
  }

  /** Memory ('m'); the stub may return fewer bytes than asked for. */
  async readMemory(addr: bigint, length: number): Promise<Uint8Array> {
    const r = await this.request(`m${addr.toString(16)},${length.toString(16)}`);
    if (r[0] === 'E') throw new GdbError(`reading memory at 0x${addr.toString(16)} failed: ${r}`);
    return hexToBytes(r);
  }

  /** One instruction ('s'); with interruptAfterMs, a ^C if it has not finished by then. */
  step(timeoutMs?: number, interruptAfterMs?: number): Promise<StopReply> {
    return this.stopReply('s', timeoutMs, interruptAfterMs);
  }

  /** Runs until a breakpoint or the end ('c'); with interruptAfterMs, a ^C then. */
  cont(timeoutMs?: number, interruptAfterMs?: number): Promise<StopReply> {
    return this.stopReply('c', timeoutMs, interruptAfterMs);
  }

  /** A software breakpoint ('Z0'), 4-byte A64 instruction. */
  insertBreakpoint(addr: bigint): Promise<void> {
    return this.ok(`Z0,${addr.toString(16)},4`);
  }

  removeBreakpoint(addr: bigint): Promise<void> {
    return this.ok(`z0,${addr.toString(16)},4`);
  }

  /** Asks the stub to kill the target ('k'; there is no reply) and closes the connection. */
  async kill(): Promise<void> {
    if (!this.closed) {
      await this.chain;
      if (!this.closed) {
        this.fail(new GdbError('gdb connection closed (killed)'));
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 200);
          this.sock.end(encodePacket('k'), () => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    }
    this.sock.destroy();
  }

  /** Closes the connection (pending requests are rejected). */
  close(): void {
    this.fail(new GdbError('gdb connection closed'));
    this.sock.destroy();
  }

  get isClosed(): boolean {
    return this.closed !== null;
  }
}
