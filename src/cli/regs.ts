// `a64emu regs [--cpu NAME] [--json]`: every row of the cpreg table at reset, as the CPU
// starts on the board, read through the raw accessors (NO_RAW rows have no value).

import type { RegsArgs } from './args.js';
import { hex64 } from '../debug/fmt.js';
import type { StartEl } from '../cpu/models.js';
import { EXIT, type CliIo } from './main.js';
import { VIRT_RAM_BASE, VirtMachine } from '../machine/virt.js';
import { DEFAULT_MODEL } from '../cpu/models.js';
import { flagNames, kvmId, readRaw, sysregTable } from '../sysregs/table.js';

export interface RegsRow {
  readonly name: string;
  readonly op0: number;
  readonly op1: number;
  readonly crn: number;
  readonly crm: number;
  readonly op2: number;
  readonly flags: string[];
  /** 0x-prefixed hex. */
  readonly kvmId: string;
  /** 0x-prefixed hex; null for NO_RAW rows. */
  readonly value: string | null;
}

const hex = (v: bigint): string => `0x${v.toString(16)}`;

/** The registers of `cpu` (a model name) at reset, in start mode `el` (`el2`: EL2 besides EL3). */
export function resetRegisters(cpu: string = DEFAULT_MODEL, el?: StartEl, el2?: boolean): RegsRow[] {
  // The board gives CNTFRQ_EL0 its reset value; no image is needed, and little RAM.
  const machine = new VirtMachine({ cpu, el, el2, memory: 64 * 1024, output: () => {} });
  const c = machine.cpu;
  c.resetTo(c.highestEl, BigInt(VIRT_RAM_BASE));
  const rows = [...sysregTable(c.model).rows].sort((a, b) => Number(kvmId(a) - kvmId(b)));
  return rows.map((row) => {
    const v = readRaw(c, row);
    return {
      name: row.name,
      op0: row.op0,
      op1: row.op1,
      crn: row.crn,
      crm: row.crm,
      op2: row.op2,
      flags: flagNames(row.flags),
      kvmId: hex64(kvmId(row)),
      value: v === undefined ? null : hex(v),
    };
  });
}

export function regsCommand(args: RegsArgs, io: CliIo): number {
  const rows = resetRegisters(args.cpu, args.el, args.el2);
  if (args.json) {
    io.write('stdout', `[\n${rows.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`);
    return EXIT.OK;
  }
  const w = Math.max(...rows.map((r) => r.name.length));
  const lines = [`${'name'.padEnd(w)}  op0 op1 CRn CRm op2  ${'flags'.padEnd(12)}  ${'KVM id'.padEnd(18)}  value`];
  for (const r of rows) {
    const enc = [r.op0, r.op1, r.crn, r.crm, r.op2].map((n) => String(n).padStart(3)).join(' ');
    const value = r.value === null ? '-' : hex64(BigInt(r.value));
    lines.push(`${r.name.padEnd(w)}  ${enc}  ${(r.flags.join('|') || '-').padEnd(12)}  ${r.kvmId}  ${value}`);
  }
  io.write('stdout', `${lines.join('\n')}\n`);
  return EXIT.OK;
}
