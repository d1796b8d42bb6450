// Arm PrimeCell UART (PL011), as QEMU's `virt` board has it at 0x0900_0000.
//
// Register map and bit layouts: Arm "PrimeCell UART (PL011) Technical Reference Manual"
// (DDI 0183), section 3 "Programmers Model". Behaviour where the TRM leaves room follows
// QEMU 7.2's hw/char/pl011.c:
//   - transmission is instantaneous: TXFE is always set, TXFF and BUSY always clear, and
//     every write to UARTDR raises the TX interrupt status (cleared only through UARTICR);
//   - the RX FIFO is 16 entries deep with FEN set, one entry without; RXIM status is set
//     when the FIFO holds one entry (QEMU's read_trigger is fixed at 1) and cleared when
//     reads empty it; the receive timeout interrupt is not modelled;
//   - loopback (UARTCR.LBE) puts transmitted bytes into the RX FIFO and ignores input;
//   - accesses narrower than a word act on the containing word: reads return the
//     addressed byte lanes, writes pass the value to the register unchanged.
// Where QEMU and the TRM differ on register widths (QEMU 8+ masks IBRD to 6 bits and
// FBRD to 16, the TRM says IBRD[15:0] and FBRD[5:0]), the TRM wins.

import type { AccessSize, MmioDevice } from './bus.js';

export const PL011_BASE = 0x0900_0000;
export const PL011_SIZE = 0x1000;

/** Register offsets (TRM table 3-1). */
export enum Reg {
  DR = 0x000,
  RSR = 0x004, // UARTRSR on read, UARTECR on write
  FR = 0x018,
  ILPR = 0x020,
  IBRD = 0x024,
  FBRD = 0x028,
  LCR_H = 0x02c,
  CR = 0x030,
  IFLS = 0x034,
  IMSC = 0x038,
  RIS = 0x03c,
  MIS = 0x040,
  ICR = 0x044,
  DMACR = 0x048,
}

/** UARTFR bits (TRM 3.3.3). */
export const FR = {
  CTS: 1 << 0,
  DSR: 1 << 1,
  DCD: 1 << 2,
  BUSY: 1 << 3,
  RXFE: 1 << 4,
  TXFF: 1 << 5,
  RXFF: 1 << 6,
  TXFE: 1 << 7,
  RI: 1 << 8,
} as const;

/** Interrupt bits of UARTIMSC/RIS/MIS/ICR (TRM 3.3.13-3.3.16). */
export const INT = {
  RIM: 1 << 0,
  CTSM: 1 << 1,
  DCDM: 1 << 2,
  DSRM: 1 << 3,
  RX: 1 << 4,
  TX: 1 << 5,
  RT: 1 << 6,
  FE: 1 << 7,
  PE: 1 << 8,
  BE: 1 << 9,
  OE: 1 << 10,
} as const;

const LCR_FEN = 1 << 4;
const CR_LBE = 1 << 7;
const FIFO_DEPTH = 16;

/**
 * UARTPeriphID0-3 then UARTPCellID0-3 at 0xFE0-0xFFC: part number 0x011, designer 0x41
 * (Arm), revision 1 (TRM 3.3.18-3.3.25 give the layout; the values are QEMU's
 * pl011_id_arm: 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1).
 */
export const PL011_ID = [0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1] as const;

/** The UART's state in a state file (snapshot.ts): registers, RX FIFO, interrupt level, input backlog. */
export interface Pl011State {
  fifo: number[];
  readPos: number;
  readCount: number;
  rsr: number;
  ilpr: number;
  ibrd: number;
  fbrd: number;
  lcr: number;
  cr: number;
  ifls: number;
  imsc: number;
  ris: number;
  dmacr: number;
  irqLevel: boolean;
  /** Host input bytes not yet taken into the FIFO. */
  input: number[];
}

const STATE_FIELDS = ['readPos', 'readCount', 'rsr', 'ilpr', 'ibrd', 'fbrd', 'lcr', 'cr', 'ifls', 'imsc', 'ris', 'dmacr'] as const;

export interface Pl011Options {
  /** Called with each transmitted byte. */
  tx: (byte: number) => void;
  /** Called when the combined interrupt output (UARTINTR) changes level. */
  irq?: (level: boolean) => void;
}

export class Pl011 implements MmioDevice {
  readonly name = 'pl011';
  private readonly tx: (byte: number) => void;
  private readonly irq?: (level: boolean) => void;
  /** Bytes the host has offered that are not yet in the RX FIFO. */
  private pending: number[] = [];
  private pendingPos = 0;

  private fifo = new Uint16Array(FIFO_DEPTH);
  private readPos = 0;
  private readCount = 0;
  private rsr = 0;
  private ilpr = 0;
  private ibrd = 0;
  private fbrd = 0;
  private lcr = 0;
  private cr = 0x300;
  private ifls = 0x12;
  private imsc = 0;
  private ris = 0;
  private dmacr = 0;
  private irqLevel = false;

  constructor(opts: Pl011Options) {
    this.tx = opts.tx;
    this.irq = opts.irq;
    this.reset();
  }

  /** Power-on values (TRM table 3-1 "Reset value" column; QEMU pl011_reset). */
  reset(): void {
    this.readPos = 0;
    this.readCount = 0;
    this.rsr = 0;
    this.ilpr = 0;
    this.ibrd = 0;
    this.fbrd = 0;
    this.lcr = 0;
    this.cr = 0x300; // TXE | RXE
    this.ifls = 0x12; // both FIFOs at 1/2
    this.imsc = 0;
    this.ris = 0;
    this.dmacr = 0;
    this.update();
    this.pump();
  }

  /** The device state for a state file (TX is instantaneous: nothing is in flight). */
  saveState(): Pl011State {
    return {
      fifo: Array.from(this.fifo), readPos: this.readPos, readCount: this.readCount, rsr: this.rsr, ilpr: this.ilpr,
      ibrd: this.ibrd, fbrd: this.fbrd, lcr: this.lcr, cr: this.cr, ifls: this.ifls, imsc: this.imsc, ris: this.ris,
      dmacr: this.dmacr, irqLevel: this.irqLevel, input: this.pending.slice(this.pendingPos),
    };
  }

  /** Restores saveState's result; the interrupt output takes the saved level without a callback. */
  loadState(s: Pl011State): void {
    const bad = (what: string): never => {
      throw new Error(`PL011 state: bad ${what}`);
    };
    const byte = (v: unknown): number => (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffff ? (v as number) : bad('value'));
    if (!Array.isArray(s.fifo) || s.fifo.length !== FIFO_DEPTH) bad('FIFO');
    if (!Array.isArray(s.input)) bad('input');
    for (const k of STATE_FIELDS) byte(s[k]);
    if (s.readCount > FIFO_DEPTH || s.readPos >= FIFO_DEPTH) bad('FIFO position');
    this.fifo = Uint16Array.from(s.fifo.map(byte));
    for (const k of STATE_FIELDS) this[k] = s[k];
    this.irqLevel = s.irqLevel === true;
    this.pending = s.input.map((b) => byte(b) & 0xff);
    this.pendingPos = 0;
  }

  /** Offers input bytes (from the host's stdin); they enter the RX FIFO as it has room. */
  pushInput(bytes: ArrayLike<number>): void {
    for (let i = 0; i < bytes.length; i++) this.pending.push(bytes[i] & 0xff);
    this.pump();
  }

  /** Input bytes not yet taken into the RX FIFO. */
  get inputBacklog(): number {
    return this.pending.length - this.pendingPos;
  }

  private get depth(): number {
    return this.lcr & LCR_FEN ? FIFO_DEPTH : 1;
  }

  private pump(): void {
    while (this.pendingPos < this.pending.length && this.readCount < this.depth) {
      const b = this.pending[this.pendingPos++];
      if (!(this.cr & CR_LBE)) this.putFifo(b);
    }
    if (this.pendingPos === this.pending.length) {
      this.pending = [];
      this.pendingPos = 0;
    }
  }

  private putFifo(v: number): void {
    const depth = this.depth;
    if (this.readCount >= depth) {
      this.ris |= INT.OE; // overrun: the byte is lost (TRM 3.3.2, UARTRSR.OE)
      this.rsr |= 8;
      this.update();
      return;
    }
    this.fifo[(this.readPos + this.readCount) & (depth - 1)] = v;
    this.readCount++;
    if (this.readCount === 1) {
      this.ris |= INT.RX;
      this.update();
    }
  }

  private get flags(): number {
    let f = FR.TXFE;
    if (this.readCount === 0) f |= FR.RXFE;
    if (this.readCount === this.depth) f |= FR.RXFF;
    if (this.cr & CR_LBE) {
      // Loopback ties the modem outputs to the inputs (TRM 3.3.8, UARTCR.LBE).
      if (this.cr & (1 << 13)) f |= FR.RI; // Out2
      if (this.cr & (1 << 12)) f |= FR.DCD; // Out1
      if (this.cr & (1 << 11)) f |= FR.CTS; // RTS
      if (this.cr & (1 << 10)) f |= FR.DSR; // DTR
    }
    return f;
  }

  private update(): void {
    const level = (this.ris & this.imsc) !== 0;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.irq?.(level);
    }
  }

  /** The combined interrupt output UARTINTR. */
  get interrupt(): boolean {
    return this.irqLevel;
  }

  private readDr(): number {
    if (this.readCount === 0) return this.fifo[this.readPos]; // stale, as the hardware
    const c = this.fifo[this.readPos];
    this.readCount--;
    this.readPos = (this.readPos + 1) & (this.depth - 1);
    if (this.readCount === 0) {
      this.ris &= ~INT.RX;
      this.update();
    }
    this.rsr = (c >>> 8) & 0xf;
    this.pump();
    return c;
  }

  private readReg(reg: number): number {
    switch (reg) {
      case Reg.DR:
        return this.readDr();
      case Reg.RSR:
        return this.rsr;
      case Reg.FR:
        return this.flags;
      case Reg.ILPR:
        return this.ilpr;
      case Reg.IBRD:
        return this.ibrd;
      case Reg.FBRD:
        return this.fbrd;
      case Reg.LCR_H:
        return this.lcr;
      case Reg.CR:
        return this.cr;
      case Reg.IFLS:
        return this.ifls;
      case Reg.IMSC:
        return this.imsc;
      case Reg.RIS:
        return this.ris;
      case Reg.MIS:
        return this.ris & this.imsc;
      case Reg.DMACR:
        return this.dmacr;
      default:
        if (reg >= 0xfe0 && reg <= 0xffc) return PL011_ID[(reg - 0xfe0) >>> 2];
        return 0; // reserved: reads as zero (QEMU logs a guest error)
    }
  }

  read(offset: number, size: AccessSize): number {
    const v = this.readReg(offset & 0xffc);
    const shift = (offset & 3) * 8;
    return size === 4 ? v >>> 0 : (v >>> shift) & (size === 1 ? 0xff : 0xffff);
  }

  write(offset: number, _size: AccessSize, value: number): void {
    switch (offset & 0xffc) {
      case Reg.DR: {
        const ch = value & 0xff;
        this.tx(ch);
        if (this.cr & CR_LBE) this.putFifo(ch);
        this.ris |= INT.TX;
        this.update();
        break;
      }
      case Reg.RSR: // UARTECR: any write clears the error flags
        this.rsr = 0;
        break;
      case Reg.ILPR:
        this.ilpr = value & 0xff;
        break;
      case Reg.IBRD:
        this.ibrd = value & 0xffff;
        break;
      case Reg.FBRD:
        this.fbrd = value & 0x3f;
        break;
      case Reg.LCR_H:
        // Changing FEN flushes the FIFOs (QEMU; the TRM says the FIFOs are flushed when
        // they are disabled).
        if ((this.lcr ^ value) & LCR_FEN) {
          this.readCount = 0;
          this.readPos = 0;
        }
        this.lcr = value & 0xff;
        this.pump();
        break;
      case Reg.CR:
        this.cr = value & 0xffff;
        this.pump();
        break;
      case Reg.IFLS:
        this.ifls = value & 0x3f;
        break;
      case Reg.IMSC:
        this.imsc = value & 0x7ff;
        this.update();
        break;
      case Reg.ICR:
        this.ris &= ~value;
        this.update();
        break;
      case Reg.DMACR:
        this.dmacr = value & 7;
        break;
      default:
        break; // UARTFR, RIS, MIS, IDs and reserved offsets ignore writes
    }
  }
}
