import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { CTRL_A, EscapeFilter, attachStdin } from '../../src/cli/stdin.js';

describe('EscapeFilter (terminal input, as QEMU -nographic)', () => {
  it('passes ordinary bytes, including Ctrl-C, through', () => {
    const f = new EscapeFilter();
    expect(f.feed(Uint8Array.of(0x61, 0x03, 0x0d))).toEqual({ bytes: Uint8Array.of(0x61, 0x03, 0x0d), quit: false });
  });

  it('quits on Ctrl-A x, even split across chunks', () => {
    const f = new EscapeFilter();
    expect(f.feed(Uint8Array.of(0x61, CTRL_A))).toEqual({ bytes: Uint8Array.of(0x61), quit: false });
    expect(f.feed(Uint8Array.of(0x78, 0x62)).quit).toBe(true);
  });

  it('sends one Ctrl-A for Ctrl-A Ctrl-A, and both bytes for Ctrl-A + anything else', () => {
    const f = new EscapeFilter();
    expect(f.feed(Uint8Array.of(CTRL_A, CTRL_A, CTRL_A, 0x71)).bytes).toEqual(Uint8Array.of(CTRL_A, CTRL_A, 0x71));
  });
});

class FakeStdin extends EventEmitter {
  isTTY: boolean;
  raw: boolean[] = [];
  state = 'new';
  unrefed = false;
  constructor(tty: boolean) {
    super();
    this.isTTY = tty;
  }
  setRawMode(m: boolean) {
    this.raw.push(m);
  }
  resume() {
    this.state = 'flowing';
  }
  pause() {
    this.state = 'paused';
  }
  unref() {
    this.unrefed = true;
  }
}

describe('attachStdin', () => {
  it('feeds a pipe straight through and lets go of it when detached', () => {
    const s = new FakeStdin(false);
    const got: number[] = [];
    const detach = attachStdin(s, (b) => got.push(...b), () => {});
    s.emit('data', Buffer.from([1, 0x78]));
    expect(got).toEqual([1, 0x78]);
    expect(s.raw).toEqual([]);
    detach();
    expect(s.state).toBe('paused');
    expect(s.unrefed).toBe(true);
    expect(s.listenerCount('data')).toBe(0);
  });

  it('puts a terminal in raw mode, filters the escape, and restores it', () => {
    const s = new FakeStdin(true);
    const got: number[] = [];
    let quit = false;
    const detach = attachStdin(s, (b) => got.push(...b), () => (quit = true));
    s.emit('data', Buffer.from('hi'));
    s.emit('data', Buffer.from([CTRL_A, 0x78]));
    expect(got).toEqual([0x68, 0x69]);
    expect(quit).toBe(true);
    detach();
    expect(s.raw).toEqual([true, false]);
  });
});
