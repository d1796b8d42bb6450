// Expected values: Arm PrimeCell UART (PL011) TRM, DDI 0183 (register map table 3-1 with
// reset values, UARTFR 3.3.3, interrupt registers 3.3.13-3.3.17, ID registers 3.3.18-25),
// and QEMU 7.2 hw/char/pl011.c where the TRM leaves room (ID values, TX/RX interrupt rules).
import { describe, expect, it } from 'vitest';
import { FR, INT, PL011_ID, Pl011, Reg } from '../../src/machine/pl011.js';

function uart() {
  const sent: number[] = [];
  const irqs: boolean[] = [];
  const u = new Pl011({ tx: (b) => sent.push(b), irq: (l) => irqs.push(l) });
  return { u, sent, irqs, text: () => String.fromCharCode(...sent) };
}

const LCR_FEN = 1 << 4;

describe('PL011 reset state', () => {
  it('has the TRM reset values', () => {
    const { u } = uart();
    expect(u.read(Reg.FR, 4)).toBe(FR.TXFE | FR.RXFE); // 0b1001_0000
    expect(u.read(Reg.CR, 4)).toBe(0x300); // TXE | RXE
    expect(u.read(Reg.IFLS, 4)).toBe(0x12); // 1/2 full for both FIFOs
    for (const r of [Reg.RSR, Reg.ILPR, Reg.IBRD, Reg.FBRD, Reg.LCR_H, Reg.IMSC, Reg.RIS, Reg.MIS, Reg.DMACR]) {
      expect(u.read(r, 4)).toBe(0);
    }
  });

  it('has the PL011 peripheral and PrimeCell IDs at 0xFE0-0xFFC', () => {
    const { u } = uart();
    const ids = [0xfe0, 0xfe4, 0xfe8, 0xfec, 0xff0, 0xff4, 0xff8, 0xffc].map((o) => u.read(o, 4));
    expect(ids).toEqual([0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1]);
    expect(ids).toEqual([...PL011_ID]);
  });

  it('reads reserved offsets as zero and ignores writes to read-only registers', () => {
    const { u } = uart();
    expect(u.read(0x008, 4)).toBe(0);
    expect(u.read(0x800, 4)).toBe(0);
    u.write(Reg.FR, 4, 0);
    u.write(Reg.RIS, 4, 0xffff);
    u.write(0xfe0, 4, 0);
    expect(u.read(Reg.FR, 4)).toBe(0x90);
    expect(u.read(Reg.RIS, 4)).toBe(0);
    expect(u.read(0xfe0, 4)).toBe(0x11);
  });
});

describe('PL011 transmit', () => {
  it('sends UARTDR writes to the sink, low 8 bits only, and never reports busy or full', () => {
    const { u, text } = uart();
    for (const c of 'Hi\n') u.write(Reg.DR, 4, c.charCodeAt(0) | 0x700);
    expect(text()).toBe('Hi\n');
    const fr = u.read(Reg.FR, 4);
    expect(fr & FR.TXFE).toBe(FR.TXFE);
    expect(fr & (FR.TXFF | FR.BUSY)).toBe(0);
  });

  it('raises the TX interrupt status on a write; UARTICR clears it', () => {
    const { u, irqs } = uart();
    u.write(Reg.DR, 1, 0x41);
    expect(u.read(Reg.RIS, 4) & INT.TX).toBe(INT.TX);
    expect(u.read(Reg.MIS, 4)).toBe(0); // masked
    expect(irqs).toEqual([]);
    u.write(Reg.IMSC, 4, INT.TX);
    expect(u.read(Reg.MIS, 4)).toBe(INT.TX);
    expect(u.interrupt).toBe(true);
    u.write(Reg.ICR, 4, INT.TX);
    expect(u.read(Reg.RIS, 4)).toBe(0);
    expect(u.interrupt).toBe(false);
    expect(irqs).toEqual([true, false]);
  });
});

describe('PL011 receive', () => {
  it('reports RXFE until input arrives, then returns it through UARTDR', () => {
    const { u } = uart();
    u.write(Reg.LCR_H, 4, LCR_FEN | 0x60);
    expect(u.read(Reg.FR, 4) & FR.RXFE).toBe(FR.RXFE);
    u.pushInput([0x61, 0x62]);
    expect(u.read(Reg.FR, 4) & FR.RXFE).toBe(0);
    expect(u.read(Reg.DR, 4)).toBe(0x61);
    expect(u.read(Reg.DR, 4)).toBe(0x62);
    expect(u.read(Reg.FR, 4) & FR.RXFE).toBe(FR.RXFE);
  });

  it('holds one character with the FIFOs disabled (RXFF when it is there), 16 with FEN', () => {
    const { u } = uart();
    u.pushInput([1, 2, 3]);
    expect(u.read(Reg.FR, 4) & (FR.RXFF | FR.RXFE)).toBe(FR.RXFF);
    expect(u.inputBacklog).toBe(2);
    expect(u.read(Reg.DR, 4)).toBe(1);
    expect(u.read(Reg.DR, 4)).toBe(2); // the next byte moved in
    u.write(Reg.LCR_H, 4, LCR_FEN); // changing FEN flushes the FIFO: byte 3 is gone (QEMU)
    expect(u.read(Reg.FR, 4) & FR.RXFE).toBe(FR.RXFE);
    u.pushInput(Array.from({ length: 20 }, (_, i) => 10 + i));
    expect(u.inputBacklog).toBe(4); // 16 in the FIFO
    expect(u.read(Reg.FR, 4) & FR.RXFF).toBe(FR.RXFF);
    const got: number[] = [];
    while (!(u.read(Reg.FR, 4) & FR.RXFE)) got.push(u.read(Reg.DR, 4));
    expect(got).toEqual(Array.from({ length: 20 }, (_, i) => 10 + i));
  });

  it('sets the RX interrupt status while data waits, cleared by reading it out', () => {
    const { u } = uart();
    u.write(Reg.IMSC, 4, INT.RX);
    u.pushInput([0x7a]);
    expect(u.read(Reg.RIS, 4) & INT.RX).toBe(INT.RX);
    expect(u.read(Reg.MIS, 4)).toBe(INT.RX);
    expect(u.interrupt).toBe(true);
    u.read(Reg.DR, 4);
    expect(u.read(Reg.RIS, 4) & INT.RX).toBe(0);
    expect(u.interrupt).toBe(false);
  });

  it('loops transmitted bytes back to the receiver when UARTCR.LBE is set', () => {
    const { u, text } = uart();
    u.write(Reg.CR, 4, 0x381); // UARTEN | LBE | TXE | RXE
    u.write(Reg.DR, 4, 0x55);
    expect(text()).toBe('U');
    expect(u.read(Reg.DR, 4)).toBe(0x55);
  });
});

describe('PL011 registers', () => {
  it('keeps the TRM widths of the baud rate divisors and control registers', () => {
    const { u } = uart();
    u.write(Reg.IBRD, 4, 0xfffff);
    u.write(Reg.FBRD, 4, 0xff);
    u.write(Reg.LCR_H, 4, 0x1ff);
    u.write(Reg.IFLS, 4, 0xff);
    u.write(Reg.IMSC, 4, 0xffff);
    u.write(Reg.DMACR, 4, 0xff);
    u.write(Reg.ILPR, 4, 0x1ff);
    expect(u.read(Reg.IBRD, 4)).toBe(0xffff);
    expect(u.read(Reg.FBRD, 4)).toBe(0x3f);
    expect(u.read(Reg.LCR_H, 4)).toBe(0xff);
    expect(u.read(Reg.IFLS, 4)).toBe(0x3f);
    expect(u.read(Reg.IMSC, 4)).toBe(0x7ff);
    expect(u.read(Reg.DMACR, 4)).toBe(7);
    expect(u.read(Reg.ILPR, 4)).toBe(0xff);
  });

  it('returns the addressed bytes of a register for narrow reads', () => {
    const { u } = uart();
    expect(u.read(Reg.CR, 1)).toBe(0x00);
    expect(u.read(Reg.CR + 1, 1)).toBe(0x03);
    expect(u.read(Reg.CR, 2)).toBe(0x300);
  });

  it('clears the receive status through UARTECR and returns to reset values on reset', () => {
    const { u } = uart();
    u.write(Reg.IMSC, 4, 0x50);
    u.pushInput([1]);
    u.write(Reg.RSR, 4, 0);
    expect(u.read(Reg.RSR, 4)).toBe(0);
    u.reset();
    expect(u.read(Reg.IMSC, 4)).toBe(0);
    expect(u.read(Reg.FR, 4)).toBe(0x90);
  });
});
