// The state file (docs/snapshot.md): a versioned container of checksummed sections, and the
// board's state in it (board options, image, cpreg list, core registers, CPU bookkeeping,
// devices, RAM). Writing reads the machine only; reading verifies the container (every CRC)
// and the sections' shapes before any of it reaches a machine.

import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Cpu } from '../cpu/cpu.js';
import type { StartEl } from '../cpu/models.js';
import type { Bus } from './bus.js';
import type { Pl011, Pl011State } from './pl011.js';
import type { Conduit, Psci, PsciState } from './psci.js';
import type { Semihosting, SemihostingState } from './semihosting.js';
import {
  StateError, decodeRegs, encodeRegs, readCore, readCpregs, readExtra, writeCore, writeCpregs, writeExtra,
  type CpuExtra, type RegValue,
} from './snapshot_cpu.js';

export { StateError } from './snapshot_cpu.js';

export const STATE_MAGIC = 'A64EMUST';
export const STATE_VERSION = 1;
const HEADER_BYTES = 16; // magic, u32 version, u32 flags (0)
const SECTION_HEADER = 12; // tag, u32 length, u32 crc32 of the data
const END = 'END!';
/** The sections of version 1, in file order. */
const SECTIONS = ['HEAD', 'IMAG', 'CPRG', 'CORE', 'CPUX', 'DEVS', 'RAM '] as const;
const PAGE = 4096;

export interface Section {
  readonly tag: string;
  readonly data: Uint8Array;
}

const u32 = (n: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0, true);
  return b;
};
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** The container: magic, version, flags, then each section (tag, length, CRC-32, data), then END!. */
export function encodeContainer(sections: readonly Section[], version = STATE_VERSION): Uint8Array {
  const parts: Uint8Array[] = [ascii(STATE_MAGIC), u32(version), u32(0)];
  for (const s of sections) {
    if (!/^[\x20-\x7e]{4}$/.test(s.tag)) throw new Error(`bad section tag '${s.tag}'`);
    parts.push(ascii(s.tag), u32(s.data.length), u32(crc32(s.data)), s.data);
  }
  let before = 0;
  for (const p of parts) before = crc32(p, before);
  const fileCrc = u32(before);
  parts.push(ascii(END), u32(4), u32(crc32(fileCrc)), fileCrc);
  const b = Buffer.concat(parts);
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/** Verifies the container and returns its sections in order. Throws StateError naming what is wrong. */
export function decodeContainer(bytes: Uint8Array): Section[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = ascii(STATE_MAGIC);
  const prefix = bytes.subarray(0, Math.min(8, bytes.length));
  if (!prefix.every((b, i) => b === magic[i]) || bytes.length === 0) {
    throw new StateError(`not an a64emu state file (it does not start with '${STATE_MAGIC}')`);
  }
  if (bytes.length < HEADER_BYTES) throw new StateError(`truncated: the file ends inside its ${HEADER_BYTES}-byte header (${bytes.length} bytes)`);
  const version = dv.getUint32(8, true);
  if (version > STATE_VERSION) {
    throw new StateError(`state file version ${version} is newer than this a64emu reads (version ${STATE_VERSION}); use a newer a64emu`);
  }
  if (version === 0) throw new StateError('bad state file version 0');
  const sections: Section[] = [];
  let off = HEADER_BYTES;
  for (;;) {
    const after = sections.length > 0 ? ` (after section '${sections[sections.length - 1].tag}')` : '';
    if (off === bytes.length) throw new StateError(`truncated: the end marker is missing at byte ${off}${after}`);
    if (off + SECTION_HEADER > bytes.length) throw new StateError(`truncated: incomplete section header at byte ${off}${after}`);
    const tagBytes = bytes.subarray(off, off + 4);
    const tag = String.fromCharCode(...tagBytes);
    if (!/^[\x20-\x7e]{4}$/.test(tag)) throw new StateError(`corrupted: no section tag at byte ${off}${after}`);
    const len = dv.getUint32(off + 4, true);
    const crc = dv.getUint32(off + 8, true);
    const start = off + SECTION_HEADER;
    if (start + len > bytes.length) {
      throw new StateError(`truncated: section '${tag}' at byte ${off} needs ${len} bytes of data, the file has ${bytes.length - start}`);
    }
    const data = bytes.subarray(start, start + len);
    if (crc32(data) !== crc) throw new StateError(`corrupted: section '${tag}' at byte ${off} fails its CRC-32 check`);
    if (tag === END) {
      if (len !== 4 || dv.getUint32(start, true) !== crc32(bytes.subarray(0, off))) {
        throw new StateError('corrupted: the file fails its CRC-32 check (end marker)');
      }
      if (start + len !== bytes.length) throw new StateError(`corrupted: ${bytes.length - start - len} bytes after the end marker`);
      return sections;
    }
    if (sections.some((s) => s.tag === tag)) throw new StateError(`corrupted: section '${tag}' appears twice`);
    sections.push({ tag, data });
    off = start + len;
  }
}

// ---- the board's state -----------------------------------------------------------------

/** The options that make the board: a state loads only into a board with the same ones. */
export interface StateBoard {
  readonly cpu: string;
  readonly el: StartEl;
  /** EL2 is implemented (start mode 2, or 3 with --virtualization). */
  readonly el2: boolean;
  readonly memory: number;
  /** --icount shift: 2^shift ns of virtual time per instruction. */
  readonly icountShift: number;
  /** The PSCI conduit given as an option (null: chosen by start mode and image). */
  readonly psciConduit: Conduit | null;
}

export interface StateHeader {
  /** The a64emu version that wrote the file (information only). */
  readonly writer: string;
  readonly board: StateBoard;
  readonly image: { readonly name: string; readonly loadAddr: number | null };
  /** Instructions retired since power-on (across guest resets): where the state was taken. */
  readonly instructions: number;
  /** The PC, hex (information only). */
  readonly pc: string;
}

export interface DeviceStates {
  /** Instructions retired before the CPU's last reset (the board's virtual time base). */
  readonly timeBase: number;
  readonly pl011: Pl011State;
  readonly psci: PsciState;
  readonly semihosting: SemihostingState;
}

/** Everything a state file holds, decoded and checked for shape, not yet applied. */
export interface MachineState {
  readonly header: StateHeader;
  readonly image: Uint8Array;
  readonly cpregs: readonly RegValue[];
  readonly core: readonly RegValue[];
  readonly cpu: CpuExtra;
  readonly devices: DeviceStates;
  /** RAM size and its non-zero pages (page index, 4 KiB). */
  readonly ram: { readonly size: number; readonly pages: ReadonlyMap<number, Uint8Array> };
}

/** The parts of a machine a state covers. */
export interface StateParts {
  readonly cpu: Cpu;
  readonly bus: Bus;
  readonly uart: Pl011;
  readonly psci: Psci;
  readonly semihosting: Semihosting;
}

const json = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));

function parseJson(s: Section): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(s.data));
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* reported below */
  }
  throw new StateError(`corrupted: section '${s.tag}' is not a JSON object`);
}

/** RAM: deflate(u32 page size, u32 page count, bitmap of non-zero pages, those pages). */
function encodeRam(ram: Uint8Array): Uint8Array {
  const pages = ram.length / PAGE;
  const bitmap = new Uint8Array(Math.ceil(pages / 8));
  const head = new Uint8Array(8);
  new DataView(head.buffer).setUint32(0, PAGE, true);
  new DataView(head.buffer).setUint32(4, pages, true);
  const parts: Uint8Array[] = [head, bitmap];
  const buf = Buffer.from(ram.buffer, ram.byteOffset, ram.byteLength);
  const zero = Buffer.alloc(PAGE);
  for (let p = 0; p < pages; p++) {
    const page = buf.subarray(p * PAGE, (p + 1) * PAGE);
    if (page.equals(zero)) continue;
    bitmap[p >> 3] |= 1 << (p & 7);
    parts.push(page);
  }
  return deflateRawSync(Buffer.concat(parts), { level: 1 });
}

function decodeRam(data: Uint8Array): MachineState['ram'] {
  let raw: Uint8Array;
  try {
    raw = inflateRawSync(data);
  } catch (e) {
    throw new StateError(`corrupted: section 'RAM ' does not decompress (${e instanceof Error ? e.message : String(e)})`);
  }
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (raw.length < 8 || dv.getUint32(0, true) !== PAGE) throw new StateError(`corrupted: section 'RAM ' has no ${PAGE}-byte page header`);
  const count = dv.getUint32(4, true);
  const bitmapEnd = 8 + Math.ceil(count / 8);
  const pages = new Map<number, Uint8Array>();
  let o = bitmapEnd;
  for (let p = 0; p < count && bitmapEnd <= raw.length; p++) {
    if ((raw[8 + (p >> 3)] & (1 << (p & 7))) === 0) continue;
    if (o + PAGE > raw.length) break;
    pages.set(p, raw.subarray(o, o + PAGE));
    o += PAGE;
  }
  if (bitmapEnd > raw.length || o !== raw.length || pages.size !== countBits(raw.subarray(8, bitmapEnd))) {
    throw new StateError("corrupted: section 'RAM ' holds a different number of pages than its bitmap says");
  }
  return { size: count * PAGE, pages };
}

function countBits(b: Uint8Array): number {
  let n = 0;
  for (const x of b) for (let v = x; v !== 0; v &= v - 1) n++;
  return n;
}

/** The state of a machine as a file. The console must have been flushed by the caller. */
export function writeState(m: StateParts, header: StateHeader, image: Uint8Array, timeBase: number): Uint8Array {
  const cpregs = readCpregs(m.cpu); // first: raw reads bring the PMU up to date
  const devices: DeviceStates = {
    timeBase,
    pl011: m.uart.saveState(),
    psci: m.psci.saveState(),
    semihosting: m.semihosting.saveState(),
  };
  const sections: Section[] = [
    { tag: 'HEAD', data: json(header) },
    { tag: 'IMAG', data: deflateRawSync(image) },
    { tag: 'CPRG', data: encodeRegs(cpregs) },
    { tag: 'CORE', data: encodeRegs(readCore(m.cpu)) },
    { tag: 'CPUX', data: json(readExtra(m.cpu)) },
    { tag: 'DEVS', data: json(devices) },
    { tag: 'RAM ', data: encodeRam(m.bus.ram) },
  ];
  return encodeContainer(sections);
}

function checkBoard(v: unknown): StateBoard {
  const b = v as Record<string, unknown> | null;
  const ok =
    typeof b === 'object' && b !== null && typeof b.cpu === 'string' && (b.el === 1 || b.el === 2 || b.el === 3) &&
    typeof b.el2 === 'boolean' && Number.isSafeInteger(b.memory) && Number.isSafeInteger(b.icountShift) &&
    (b.psciConduit === null || b.psciConduit === 'hvc' || b.psciConduit === 'smc');
  if (!ok) throw new StateError("corrupted: section 'HEAD' has no valid board description");
  return b as unknown as StateBoard;
}

/** Reads and checks a state file without applying it. Throws StateError naming what is wrong. */
export function readState(bytes: Uint8Array): MachineState {
  const sections = decodeContainer(bytes);
  const tags = sections.map((s) => s.tag);
  for (const t of tags) if (!(SECTIONS as readonly string[]).includes(t)) throw new StateError(`unknown section '${t}' in a version ${STATE_VERSION} state file`);
  for (const t of SECTIONS) if (!tags.includes(t)) throw new StateError(`section '${t}' is missing`);
  const get = (t: string): Section => sections.find((s) => s.tag === t)!;
  const head = parseJson(get('HEAD'));
  const img = head.image as Record<string, unknown> | undefined;
  if (typeof img !== 'object' || img === null || typeof img.name !== 'string' || !(img.loadAddr === null || Number.isSafeInteger(img.loadAddr))) {
    throw new StateError("corrupted: section 'HEAD' has no valid image description");
  }
  if (!Number.isSafeInteger(head.instructions)) throw new StateError("corrupted: section 'HEAD' has no instruction count");
  const header: StateHeader = {
    writer: String(head.writer),
    board: checkBoard(head.board),
    image: { name: img.name, loadAddr: img.loadAddr as number | null },
    instructions: head.instructions as number,
    pc: String(head.pc),
  };
  let image: Uint8Array;
  try {
    image = inflateRawSync(get('IMAG').data);
  } catch {
    throw new StateError("corrupted: section 'IMAG' does not decompress");
  }
  const dev = parseJson(get('DEVS'));
  for (const k of ['pl011', 'psci', 'semihosting']) {
    if (typeof dev[k] !== 'object' || dev[k] === null) throw new StateError(`corrupted: section 'DEVS' has no ${k} state`);
  }
  if (!Number.isSafeInteger(dev.timeBase)) throw new StateError("corrupted: section 'DEVS' has no time base");
  const ram = decodeRam(get('RAM ').data);
  if (ram.size !== header.board.memory) {
    throw new StateError(`corrupted: section 'RAM ' holds ${ram.size} bytes, the board has ${header.board.memory}`);
  }
  return {
    header,
    image,
    cpregs: decodeRegs(get('CPRG').data, "section 'CPRG'"),
    core: decodeRegs(get('CORE').data, "section 'CORE'"),
    cpu: parseJson(get('CPUX')) as unknown as CpuExtra,
    devices: dev as unknown as DeviceStates,
    ram,
  };
}

/**
 * Writes a decoded state into a machine built with the same board options (the caller checks
 * them): RAM (`ramIsZero`: the machine's RAM is known to be all zero, as after construction),
 * devices, CPU. Decoded blocks, TLBs and the translation context are re-derived.
 */
export function applyState(m: StateParts, s: MachineState, ramIsZero: boolean): void {
  const { cpu, bus } = m;
  const ram = bus.ram;
  if (!ramIsZero) {
    // Clear only what is not zero already: writing every page would commit all of RAM.
    const buf = Buffer.from(ram.buffer, ram.byteOffset, ram.byteLength);
    const zero = Buffer.alloc(PAGE);
    for (let p = 0; p < ram.length / PAGE; p++) {
      if (!s.ram.pages.has(p) && !buf.subarray(p * PAGE, (p + 1) * PAGE).equals(zero)) ram.fill(0, p * PAGE, (p + 1) * PAGE);
    }
  }
  for (const [p, page] of s.ram.pages) ram.set(page, p * PAGE);
  try {
    m.uart.loadState(s.devices.pl011);
    m.psci.loadState(s.devices.psci);
    m.semihosting.loadState(s.devices.semihosting);
  } catch (e) {
    throw new StateError(`corrupted: section 'DEVS': ${e instanceof Error ? e.message : String(e)}`);
  }
  cpu.stop = null;
  writeExtra(cpu, s.cpu, 'before');
  writeCore(cpu, s.core);
  writeCpregs(cpu, s.cpregs);
  writeExtra(cpu, s.cpu, 'after');
  cpu.flushBlocks = true;
  cpu.contextChanged();
}
