// The GDB Remote Serial Protocol client against a fake stub in this process: framing,
// checksums, acks, escapes, run-length encoding, stop replies, timeouts.
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  GdbError,
  GdbRemote,
  checksum,
  decodePacketData,
  encodePacket,
  parseStopReply,
} from '../../src/debug/gdbremote.js';

const bytes = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));
const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** A packet as a stub would send it, with the checksum written out by hand. */
const frame = (body: string, cs: number): string => `$${body}#${cs.toString(16).padStart(2, '0')}`;

describe('packets', () => {
  it('frames data with the modulo-256 sum of its bytes', () => {
    expect(encodePacket('g')).toBe('$g#67');
    expect(encodePacket('OK')).toBe('$OK#9a'); // 0x4f + 0x4b
    expect(encodePacket('')).toBe('$#00');
    expect(checksum('m0,1')).toBe((0x6d + 0x30 + 0x2c + 0x31) & 0xff);
  });

  it('escapes $ # } * as } and the byte xor 0x20, and sums the escaped form', () => {
    expect(encodePacket('a$b#c}d*')).toBe(`$a}\x04b}\x03c}]d}\n#${checksum('a}\x04b}\x03c}]d}\n').toString(16).padStart(2, '0')}`);
  });

  it('undoes escapes and run-length encoding', () => {
    // The gdb manual's example: "0* " is "0000" (' ' is 32: 32 - 29 = 3 more).
    expect(text(decodePacketData(bytes('0* ')))).toBe('0000');
    expect(text(decodePacketData(bytes('a}]b}\x04')))).toBe('a}b$');
    expect(text(decodePacketData(bytes('ff*"00')))).toBe('fffffff00'); // two f, then 5 more ('"' is 34)
    expect(text(decodePacketData(bytes('x}\n*!')))).toBe('x*****'); // an escaped '*', then 4 more ('!' is 33)
  });

  it('parses stop replies', () => {
    const t = parseStopReply('T05thread:01;');
    expect(t?.kind).toBe('signal');
    expect(t?.kind === 'signal' && t.signal).toBe(5);
    expect(t?.kind === 'signal' && t.info.get('thread')).toBe('01');
    expect(parseStopReply('S02')).toMatchObject({ kind: 'signal', signal: 2 });
    expect(parseStopReply('W00')).toEqual({ kind: 'exited', code: 0 });
    expect(parseStopReply('W2a')).toEqual({ kind: 'exited', code: 42 });
    expect(parseStopReply('X09')).toEqual({ kind: 'killed', signal: 9 });
    expect(parseStopReply('OK')).toBeNull();
    expect(parseStopReply('E01')).toBeNull();
  });
});

// ---- a fake stub --------------------------------------------------------------------------

interface Fake {
  port: number;
  /** Every packet received, decoded. */
  received: string[];
  /** Everything received, raw (acks included). */
  raw: () => string;
  close(): Promise<void>;
}

let servers: Server[] = [];
let clients: GdbRemote[] = [];

afterEach(async () => {
  for (const c of clients) c.close();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  servers = [];
  clients = [];
});

/** Starts a stub that acks every packet and answers with `reply(packet)` (raw text to send). */
async function fakeStub(reply: (packet: string, sock: Socket) => string | null): Promise<Fake> {
  const received: string[] = [];
  let raw = '';
  const sockets: Socket[] = [];
  const srv = createServer((sock) => {
    sockets.push(sock);
    let buf = '';
    sock.on('data', (d) => {
      raw += d.toString('latin1');
      buf += d.toString('latin1');
      for (;;) {
        const m = /\$([^#]*)#([0-9a-f]{2})/.exec(buf);
        if (!m) break;
        buf = buf.slice(m.index + m[0].length);
        received.push(m[1]);
        sock.write('+');
        const out = reply(m[1], sock);
        if (out !== null) sock.write(out);
      }
    });
    sock.on('error', () => {});
  });
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const addr = srv.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    port,
    received,
    raw: () => raw,
    close: async () => {
      for (const s of sockets) s.destroy();
    },
  };
}

async function connect(f: Fake, timeoutMs = 2000): Promise<GdbRemote> {
  const c = await GdbRemote.connect('127.0.0.1', f.port, { timeoutMs });
  clients.push(c);
  return c;
}

describe('GdbRemote against a fake stub', () => {
  it('sends framed requests, acks replies and decodes them (escapes, run-length)', async () => {
    // "0* 1}]": "0000", "1", an escaped "}"; the checksum covers the bytes as sent.
    const f = await fakeStub((p) => (p === 'g' ? frame('0* 1}]', 0x85) : null));
    const c = await connect(f);
    expect(await c.request('g')).toBe('00001}');
    // Not hex, so readRegisters refuses it.
    await expect(c.readRegisters()).rejects.toBeInstanceOf(GdbError);
    expect(f.received).toEqual(['g', 'g']);
    expect(f.raw()).toMatch(/^\$g#67\+\$g#67/); // our ack of the first reply before the second request
  });

  it('reads registers and memory as bytes', async () => {
    const f = await fakeStub((p) => {
      if (p === 'g') return encodePacket('0102030405060708');
      if (p === 'm40000000,4') return encodePacket('deadbeef');
      if (p === 'm0,4') return encodePacket('E14');
      return encodePacket('');
    });
    const c = await connect(f);
    expect([...(await c.readRegisters())]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...(await c.readMemory(0x40000000n, 4))]).toEqual([0xde, 0xad, 0xbe, 0xef]);
    await expect(c.readMemory(0n, 4)).rejects.toThrow(/E14/);
  });

  it('asks again (-) on a bad checksum and takes the good copy', async () => {
    let sent = 0;
    const f = await fakeStub((p, sock) => {
      if (p !== '?') return null;
      sent++;
      sock.once('data', (d) => {
        if (d.toString() === '-') sock.write(encodePacket('S05'));
      });
      return '$S05#00'; // wrong checksum
    });
    const c = await connect(f);
    expect(await c.haltReason()).toMatchObject({ kind: 'signal', signal: 5 });
    expect(sent).toBe(1);
    expect(f.raw()).toContain('-');
  });

  it('stops acking after QStartNoAckMode is accepted', async () => {
    const f = await fakeStub((p) => encodePacket(p === 'QStartNoAckMode' ? 'OK' : 'S05'));
    const c = await connect(f);
    expect(await c.startNoAck()).toBe(true);
    await c.haltReason();
    await c.haltReason();
    await new Promise((r) => setTimeout(r, 20));
    // The OK is acked (the switch happens once it is received), nothing after it.
    expect(f.raw()).toBe(`${encodePacket('QStartNoAckMode')}+${encodePacket('?')}${encodePacket('?')}`);
  });

  it('keeps acking when the stub declines QStartNoAckMode (QEMU 7.2)', async () => {
    const f = await fakeStub((p) => encodePacket(p === 'QStartNoAckMode' ? '' : 'S05'));
    const c = await connect(f);
    expect(await c.startNoAck()).toBe(false);
    await c.haltReason();
    await new Promise((r) => setTimeout(r, 20));
    expect(f.raw()).toBe(`${encodePacket('QStartNoAckMode')}+${encodePacket('?')}+`);
  });

  it('skips console output (O packets) before a stop reply', async () => {
    const f = await fakeStub((p) => (p === 'c' ? encodePacket('O48690a') + encodePacket('T05thread:01;') : null));
    const c = await connect(f);
    expect(await c.cont()).toMatchObject({ kind: 'signal', signal: 5 });
  });

  it('reports W and X stops from s and c', async () => {
    const f = await fakeStub((p) => (p === 's' ? encodePacket('W03') : p === 'c' ? encodePacket('X0f') : null));
    const c = await connect(f);
    expect(await c.step()).toEqual({ kind: 'exited', code: 3 });
    expect(await c.cont()).toEqual({ kind: 'killed', signal: 15 });
  });

  it('sets and clears breakpoints, and rejects an error reply', async () => {
    const f = await fakeStub((p) => (p.startsWith('Z0,40080010') || p.startsWith('z0,') ? encodePacket('OK') : encodePacket('E22')));
    const c = await connect(f);
    await c.insertBreakpoint(0x40080010n);
    await c.removeBreakpoint(0x40080010n);
    await expect(c.insertBreakpoint(0x1n)).rejects.toThrow(/E22/);
    expect(f.received).toEqual(['Z0,40080010,4', 'z0,40080010,4', 'Z0,1,4']);
  });

  it('reads a qXfer object in pieces (m: more, l: last)', async () => {
    const f = await fakeStub((p) => {
      if (p === 'qXfer:features:read:target.xml:0,ffb') return encodePacket('m<target>');
      if (p === 'qXfer:features:read:target.xml:8,ffb') return encodePacket('l</target>');
      return encodePacket('E00');
    });
    const c = await connect(f);
    expect(await c.readXfer('features', 'target.xml')).toBe('<target></target>');
  });

  it('sends ^C (0x03) to a target still running after interruptAfterMs', async () => {
    const f = await fakeStub((p, sock) => {
      if (p === 'c') sock.once('data', (d) => d.includes(0x03) && sock.write(encodePacket('T02thread:01;')));
      return null; // runs until interrupted
    });
    const c = await connect(f);
    const t0 = Date.now();
    expect(await c.cont(2000, 50)).toMatchObject({ kind: 'signal', signal: 2 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(40);
    expect(f.raw()).toContain('\x03');
  });

  it('keeps requests in order when several are issued at once', async () => {
    const f = await fakeStub((p) => encodePacket(`r${p}`));
    const c = await connect(f);
    const rs = await Promise.all(['a', 'b', 'c'].map((x) => c.request(x)));
    expect(rs).toEqual(['ra', 'rb', 'rc']);
  });

  it('times out a request, after which the connection is closed', async () => {
    const f = await fakeStub(() => null); // never answers
    const c = await connect(f, 100);
    const t0 = Date.now();
    await expect(c.step()).rejects.toThrow(/no reply to 's' within 100 ms/);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(c.isClosed).toBe(true);
    await expect(c.request('g')).rejects.toBeInstanceOf(GdbError);
  });

  it('rejects a pending request when the stub goes away', async () => {
    const f = await fakeStub(() => null);
    const c = await connect(f);
    const p = c.cont();
    await new Promise((r) => setTimeout(r, 20));
    await f.close();
    await expect(p).rejects.toThrow(/closed|ECONNRESET/);
  });

  it('kill sends k and closes', async () => {
    const f = await fakeStub(() => null);
    const c = await connect(f);
    await c.kill();
    await new Promise((r) => setTimeout(r, 50));
    expect(f.received).toEqual(['k']);
    expect(c.isClosed).toBe(true);
  });

  it('fails to connect with nobody listening', async () => {
    const f = await fakeStub(() => null);
    const port = f.port;
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    servers = [];
    await expect(GdbRemote.connect('127.0.0.1', port, { timeoutMs: 1000 })).rejects.toThrow(/ECONNREFUSED/);
  });
});
