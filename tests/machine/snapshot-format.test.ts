// The state file (src/machine/snapshot.ts, docs/snapshot.md): what it holds, and the errors a
// bad file gives. Expected values: the format is a64emu's own (docs/snapshot.md); the cpreg
// list rule is QEMU's (target/arm/machine.c cpu_post_load: an incoming register the
// destination lacks fails the load; one the destination has that the list lacks keeps its
// value; target/arm/helper.c write_list_to_cpustate: each value must read back); the list's
// contents are QEMU's TCG cpreg list (rows that are neither ALIAS nor NO_RAW, CONST included).
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { VirtMachine, type VirtOptions } from '../../src/machine/virt.js';
import { CpuState, Slot } from '../../src/cpu/state.js';
import {
  STATE_VERSION, StateError, decodeContainer, encodeContainer, readState, type Section,
} from '../../src/machine/snapshot.js';
import {
  encodeRegs, readCore, readCpregs, readExtra, writeCpregs, cpregRows,
} from '../../src/machine/snapshot_cpu.js';
import { Flag, sysregTable, sysregByName, kvmId } from '../../src/sysregs/table.js';
import { bytesOf, EXIT42, HELLO } from './images.js';

const MEM = 16 * 1024 * 1024;
const MODES: VirtOptions[] = [
  { cpu: 'cortex-a57' },
  { cpu: 'max', el: 2 },
  { cpu: 'cortex-a57', el: 3, el2: true },
  { cpu: 'max', el: 3 },
];
const make = (opts: VirtOptions): VirtMachine => new VirtMachine({ memory: MEM, output: () => {}, warn: () => {}, ...opts });

function booted(opts: VirtOptions = {}, words = HELLO): VirtMachine {
  const m = make(opts);
  m.load(bytesOf(words));
  return m;
}

describe('what the state holds', () => {
  it.each(MODES)('every register-file slot with state is in the file and survives a load (%o)', (opts) => {
    const m = booted(opts);
    const cpu = m.cpu;
    const observe = (): string =>
      Buffer.concat([encodeRegs(readCpregs(cpu)), encodeRegs(readCore(cpu)), Buffer.from(JSON.stringify(readExtra(cpu)))]).toString('hex');
    // The slots the file sees: flipping bits in them changes what would be saved.
    const base = observe();
    const seen = new Set<number>();
    for (let s = 0; s < Slot.COUNT; s++) {
      const old = cpu.x[s];
      cpu.x[s] = old ^ 0x10001n;
      if (observe() !== base) seen.add(s);
      cpu.x[s] = old;
    }
    // Every slot a row of the model's table stores, the core registers of the implemented ELs
    // (but the bank copy of the live SP, which slot 31 holds) and the PMU bookkeeping.
    const live = CpuState.bankOf(cpu.el, cpu.spsel);
    const must = new Set<number>([Slot.PC, Slot.SP, Slot.PMU_ANCHOR, Slot.PMU_PRESCALE, Slot.FPCR, Slot.FPSR]);
    for (let n = 0; n < 31; n++) must.add(n);
    for (let n = 0; n < 64; n++) must.add(Slot.V0 + n);
    const f = cpu.model.features;
    for (const el of [0, 1, f.EL2 ? 2 : 1, f.EL3 ? 3 : 1]) if (Slot.SP_EL0 + el !== live) must.add(Slot.SP_EL0 + el);
    for (const row of sysregTable(cpu.model).rows) if (row.slot !== undefined && (row.flags & Flag.NO_RAW) === 0) must.add(row.slot);
    const missing = [...must].filter((s) => !seen.has(s)).map((s) => Slot[s] ?? String(s));
    expect(missing).toEqual([]);
    // What is seen survives: marker values in every slot, saved, loaded into a fresh machine.
    // (FPCR and FPSR are 32-bit registers: KVM's core IDs for them are U32.)
    for (const s of seen) cpu.x[s] = (s === Slot.FPCR || s === Slot.FPSR ? 0n : 0x5a5a_0000_0000n) + BigInt(s) * 0x1_0001n;
    const state = m.saveState();
    const m2 = make(opts);
    m2.loadState(state);
    const differ = [...seen].filter((s) => m2.cpu.x[s] !== cpu.x[s] && !(s === live || s === Slot.SP));
    expect(differ.map((s) => Slot[s] ?? String(s))).toEqual([]);
    expect(m2.cpu.getSpEl(cpu.el)).toBe(cpu.getSpEl(cpu.el));
  });

  it('the cpreg list is every row neither ALIAS nor NO_RAW, CONST rows included, sorted by KVM ID', () => {
    const m = booted({ cpu: 'max', el: 2 });
    const list = readCpregs(m.cpu);
    const rows = sysregTable(m.cpu.model).rows.filter((r) => r.op0 >= 2 && (r.flags & (Flag.ALIAS | Flag.NO_RAW)) === 0);
    expect(list.map((r) => r.id)).toEqual(rows.map(kvmId).sort((a, b) => (a < b ? -1 : 1)));
    expect(list.some((r) => r.id === kvmId(sysregByName(m.cpu.model, 'MIDR_EL1')!))).toBe(true); // CONST
    expect(list.some((r) => r.id === kvmId(sysregByName(m.cpu.model, 'ELR_EL1')!))).toBe(false); // ALIAS: core
    expect(list.some((r) => r.id === kvmId(sysregByName(m.cpu.model, 'NZCV')!))).toBe(false); // NO_RAW
  });

  it('PSTATE round-trips with every field a64emu has (max: PAN, UAO, DIT, SSBS; IL, SS, DAIF, NZCV)', () => {
    const m = booted({ cpu: 'max', el: 2 });
    const cpu = m.cpu;
    cpu.selectSp(1, 0);
    Object.assign(cpu, { n: 1, z: 0, c: 1, v: 1, daif: 0b1010, il: 1, ss: 1, pan: 1, uao: 1, dit: 1, ssbs: 1 });
    const bits = cpu.spsrBits;
    const m2 = make({ cpu: 'max', el: 2 });
    m2.loadState(m.saveState());
    expect(m2.cpu.spsrBits).toBe(bits);
    expect([m2.cpu.el, m2.cpu.spsel, m2.cpu.il, m2.cpu.ss]).toEqual([1, 0, 1, 1]);
  });

  it('a PSTATE with a mode the model does not have is refused', () => {
    const m = booted({ cpu: 'max', el: 3 }); // EL3 without EL2 (QEMU secure=on)
    const sections = decodeContainer(m.saveState());
    const core = readState(m.saveState()).core.map((r) => (r.id === 0x6030000000100042n ? { id: r.id, value: 0x3c9n } : r)); // EL2h
    const crafted = encodeContainer(sections.map((s) => (s.tag === 'CORE' ? { tag: 'CORE', data: encodeRegs(core) } : s)));
    expect(() => make({ cpu: 'max', el: 3 }).loadState(crafted)).toThrow(/PSTATE 0x3c9 has an invalid mode M\[4:0\] = 0x9 for max/);
  });

  it('the TLB survives (QEMU drops its TLB on migration; a64emu keeps stale entries)', async () => {
    const m = make({ memory: 64 * 1024 * 1024 });
    m.load('tests/images/mmu/mmu_el1.elf');
    await m.run({ maxInsns: 150_000 });
    const before = m.cpu.mem.tlb.save();
    expect(before.entries.length).toBeGreaterThan(0);
    const m2 = make({ memory: 64 * 1024 * 1024 });
    m2.loadState(m.saveState());
    expect(m2.cpu.mem.tlb.save()).toEqual(before);
  });

  it('the UART: registers, RX FIFO, input not yet taken, interrupt level', () => {
    const m = booted();
    m.uart.write(0x38, 4, 0x10); // IMSC.RXIM
    m.pushInput([0x61, 0x62]);
    const s = m.uart.saveState();
    expect(s.readCount).toBe(1); // FIFOs off: one entry; 'b' waits
    expect(s.input).toEqual([0x62]);
    expect(s.irqLevel).toBe(true);
    const m2 = make({});
    m2.loadState(m.saveState());
    expect(m2.uart.saveState()).toEqual(s);
    expect(m2.uart.read(0, 4)).toBe(0x61);
    expect(m2.uart.read(0, 4)).toBe(0x62);
  });

  it('loading into a machine that has run another guest leaves nothing of it (RAM, TLB, registers)', async () => {
    const a = make({ memory: 64 * 1024 * 1024 });
    a.load('tests/images/mmu/mmu_el1.elf');
    await a.run({ maxInsns: 120_000 });
    const state = a.saveState();
    const used = make({ memory: 64 * 1024 * 1024 });
    used.load('tests/images/mmu/mmu_el1.elf');
    await used.run({ maxInsns: 200_000 }); // further on: other RAM, TLB and registers
    used.bus.ram.fill(0x77, 60 * 1024 * 1024, 61 * 1024 * 1024);
    used.loadState(state);
    expect(Buffer.compare(used.saveState(), state)).toBe(0);
  });

  it('a 512 MiB guest makes a small file (zero pages are skipped, the rest deflated)', () => {
    const m = new VirtMachine({ output: () => {} });
    m.load(bytesOf(HELLO));
    expect(m.saveState().length).toBeLessThan(64 * 1024);
  });
});

describe('the cpreg list mismatch rule (QEMU cpu_post_load)', () => {
  it('an incoming register the destination lacks fails the load, naming it', () => {
    const max = booted({ cpu: 'max' });
    const a57 = booted({ cpu: 'cortex-a57' });
    const list = readCpregs(max.cpu);
    const extra = list.filter((r) => !cpregRows(a57.cpu).has(r.id));
    expect(extra.length).toBeGreaterThan(0);
    expect(() => writeCpregs(a57.cpu, list)).toThrow(StateError);
    // The first such register, by name (max has FEAT_LOR, FEAT_RAS...: e.g. DISR_EL1).
    expect(() => writeCpregs(a57.cpu, [extra[0]])).toThrow(/^the state has register \w+ \(0x6030/);
    const disr = kvmId(sysregByName(max.cpu.model, 'DISR_EL1')!);
    expect(() => writeCpregs(a57.cpu, [{ id: disr, value: 0n }])).toThrow(/the state has register DISR_EL1 \(0x603000000013c609\), which this CPU \(cortex-a57\) does not have/);
  });

  it('a register the destination has that the incoming list lacks keeps its value', () => {
    const m = booted();
    const tpidr = kvmId(sysregByName(m.cpu.model, 'TPIDR_EL1')!);
    const list = readCpregs(m.cpu).filter((r) => r.id !== tpidr);
    m.cpu.x[Slot.TPIDR_EL1] = 0x1234n;
    m.cpu.x[Slot.TPIDRRO_EL0] = 0x99n;
    writeCpregs(m.cpu, list);
    expect(m.cpu.x[Slot.TPIDR_EL1]).toBe(0x1234n);
    expect(m.cpu.x[Slot.TPIDRRO_EL0]).toBe(0n); // in the list: restored
  });

  it('a value that does not read back fails the load (a CONST register with another value)', () => {
    const m = booted();
    const midr = kvmId(sysregByName(m.cpu.model, 'MIDR_EL1')!);
    expect(() => writeCpregs(m.cpu, [{ id: midr, value: 0x410fd034n }])).toThrow(/register MIDR_EL1 \(0x603000000013c000\) does not take the saved value 0x410fd034/);
  });

  it('through a state file: a crafted file with an extra register is refused by name', () => {
    const m = booted();
    const sections = decodeContainer(m.saveState());
    const disr = { id: kvmId(sysregByName(booted({ cpu: 'max' }).cpu.model, 'DISR_EL1')!), value: 0n };
    const cprg = readState(m.saveState()).cpregs.concat([disr]).sort((a, b) => (a.id < b.id ? -1 : 1));
    const crafted = encodeContainer(sections.map((s) => (s.tag === 'CPRG' ? { tag: 'CPRG', data: encodeRegs(cprg) } : s)));
    expect(() => make({}).loadState(crafted)).toThrow(/DISR_EL1/);
  });
});

describe('bad files are clear errors', () => {
  const good = (): Uint8Array => booted({}, EXIT42).saveState();

  it('not a state file', () => {
    expect(() => readState(new TextEncoder().encode('\x7fELF....'))).toThrow(/not an a64emu state file/);
    expect(() => readState(new Uint8Array(0))).toThrow(/not an a64emu state file/);
  });

  it('truncated anywhere: names where', () => {
    const f = good();
    expect(() => readState(f.subarray(0, 12))).toThrow(/truncated: the file ends inside its 16-byte header/);
    for (const cut of [16, 20, 40, 200, Math.floor(f.length / 2), f.length - 20, f.length - 1]) {
      expect(() => readState(f.subarray(0, cut)), `cut at ${cut}`).toThrow(/^truncated: /);
    }
    expect(() => readState(f.subarray(0, f.length - 16))).toThrow(/the end marker is missing .* \(after section 'RAM '\)/);
    expect(() => readState(f.subarray(0, 30))).toThrow(/section 'HEAD' at byte 16 needs \d+ bytes of data/);
  });

  it('corrupted: a flipped bit anywhere is found, naming the section', () => {
    const f = good();
    const sections = decodeContainer(f);
    let off = 16;
    for (const s of sections) {
      const bad = f.slice();
      bad[off + 12 + Math.floor(s.data.length / 2)] ^= 0x10;
      expect(() => readState(bad), s.tag).toThrow(new RegExp(`corrupted: section '${s.tag.replace(' ', ' ')}' at byte ${off} fails its CRC-32 check`));
      off += 12 + s.data.length;
    }
    const tail = f.slice();
    tail[f.length - 1] ^= 1;
    expect(() => readState(tail)).toThrow(/corrupted/);
    const extra = Buffer.concat([f, Buffer.from([0])]);
    expect(() => readState(extra)).toThrow(/1 bytes after the end marker/);
  });

  it('a newer version is refused; a section missing or unknown is named', () => {
    const sections = decodeContainer(good());
    expect(() => readState(encodeContainer(sections, STATE_VERSION + 1))).toThrow(
      new RegExp(`state file version ${STATE_VERSION + 1} is newer than this a64emu reads \\(version ${STATE_VERSION}\\)`),
    );
    expect(() => readState(encodeContainer(sections.filter((s) => s.tag !== 'CORE')))).toThrow(/section 'CORE' is missing/);
    const odd: Section[] = [...sections, { tag: 'XTRA', data: new Uint8Array(1) }];
    expect(() => readState(encodeContainer(odd))).toThrow(/unknown section 'XTRA'/);
  });

  it('a model or board mismatch is refused, naming both', () => {
    const f = good();
    expect(() => make({ cpu: 'max' }).loadState(f)).toThrow(/the state was saved on another board: CPU model cortex-a57 in the file, max here/);
    expect(() => make({ el: 3 }).loadState(f)).toThrow(/start mode --el 1 in the file, start mode --el 3 here/);
    expect(() => make({ memory: 32 * 1024 * 1024 }).loadState(f)).toThrow(/16 MiB of RAM in the file, 32 MiB here/);
  });

  it('the end marker holds the CRC-32 of everything before it', () => {
    const f = good();
    const dv = new DataView(f.buffer, f.byteOffset);
    expect(dv.getUint32(f.length - 4, true)).toBe(crc32(f.subarray(0, f.length - 16)));
    expect(new TextDecoder().decode(f.subarray(0, 8))).toBe('A64EMUST');
    expect(dv.getUint32(8, true)).toBe(1);
  });
});
