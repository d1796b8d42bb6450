#!/usr/bin/env node
// Record the reset values of the system registers QEMU gives each CPU model.
//
//   node scripts/record-sysregs.mjs [--out DIR] [--image ELF] [--no-probe] [model-mode ...]
//
// For every CPU model in MODELS and every start mode in MODES this starts
//   qemu-system-aarch64 -M virt[,opts] -cpu MODEL -m 512M -display none -monitor none
//                       -serial null -S -gdb tcp:127.0.0.1:PORT -kernel IMAGE
// (halted before the first instruction) and
//   1. reads every register the gdb stub exposes with
//        gdb-multiarch -batch -ex 'set architecture aarch64' -ex 'target remote 127.0.0.1:PORT'
//                      -ex 'maint print xml-tdesc' -ex 'maint print raw-registers'
//      The target description gives each register's name, regnum, bitsize and group; the
//      raw-registers dump gives its value.  Nothing has executed at this point.
//   2. (unless --no-probe) starts a second, identical QEMU (gdb -batch detaches on exit, and
//      QEMU then runs the guest, so the first one is killed) and "probes" the registers the
//      stub hides (QEMU leaves ARM_CP_NO_RAW registers such as MIDR_EL1, MPIDR_EL1, CCSIDR_EL1,
//      DCZID_EL0 out of its gdb XML): for each entry of PROBES it writes one MRS instruction into
//      scratch RAM, points PC at it, single-steps and reads X0 (and ESR_ELn if it trapped).
//      CCSIDR_EL1 is read once per cache level/type CLIDR_EL1 reports, after MSR CSSELR_EL1.
// and writes tests/sysregs/qemu/<model>-<mode>.json.  See tests/sysregs/qemu/README.md.
// Arguments: --image none omits -kernel; model-mode names (e.g. max-el3) restrict the set.
//
// Environment: QEMU (default qemu-system-aarch64), GDB (default gdb-multiarch).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const QEMU = process.env.QEMU ?? 'qemu-system-aarch64';
const GDB = process.env.GDB ?? 'gdb-multiarch';

export const MODELS = ['cortex-a57', 'cortex-a72', 'max'];
/** Start modes: name -> -M value.  All four are accepted by QEMU 7.2 for all three models. */
export const MODES = {
  el1: 'virt',                                  // no EL2, no EL3: the CPU starts at EL1
  el2: 'virt,virtualization=on',                // EL2, no EL3: starts at EL2
  el3: 'virt,secure=on',                        // EL3, no EL2: starts at EL3
  'el3-el2': 'virt,secure=on,virtualization=on', // EL3 and EL2: starts at EL3
};

// Registers read by executing MRS (op0, op1, CRn, CRm, op2).  minEL: the lowest EL at which the
// probe is attempted (it is skipped when the CPU starts below that EL).  Registers the gdb stub
// also exposes are included on purpose, as a cross-check of the two methods.
export const PROBES = [
  // PSTATE views first, before any probe could have trapped.
  ['CurrentEL', 3, 0, 4, 2, 2, 1], ['DAIF', 3, 3, 4, 2, 1, 0], ['NZCV', 3, 3, 4, 2, 0, 0],
  ['SPSel', 3, 0, 4, 2, 0, 1], ['PAN', 3, 0, 4, 2, 3, 1], ['UAO', 3, 0, 4, 2, 4, 1], ['DIT', 3, 3, 4, 2, 5, 0],
  ['SSBS', 3, 3, 4, 2, 6, 0], ['TCO', 3, 3, 4, 2, 7, 0], ['SVCR', 3, 3, 4, 2, 2, 0],
  ['MIDR_EL1', 3, 0, 0, 0, 0, 1], ['MPIDR_EL1', 3, 0, 0, 0, 5, 1], ['REVIDR_EL1', 3, 0, 0, 0, 6, 1],
  ['ID_PFR0_EL1', 3, 0, 0, 1, 0, 1], ['ID_PFR1_EL1', 3, 0, 0, 1, 1, 1], ['ID_DFR0_EL1', 3, 0, 0, 1, 2, 1],
  ['ID_AFR0_EL1', 3, 0, 0, 1, 3, 1], ['ID_MMFR0_EL1', 3, 0, 0, 1, 4, 1], ['ID_MMFR1_EL1', 3, 0, 0, 1, 5, 1],
  ['ID_MMFR2_EL1', 3, 0, 0, 1, 6, 1], ['ID_MMFR3_EL1', 3, 0, 0, 1, 7, 1],
  ['ID_ISAR0_EL1', 3, 0, 0, 2, 0, 1], ['ID_ISAR1_EL1', 3, 0, 0, 2, 1, 1], ['ID_ISAR2_EL1', 3, 0, 0, 2, 2, 1],
  ['ID_ISAR3_EL1', 3, 0, 0, 2, 3, 1], ['ID_ISAR4_EL1', 3, 0, 0, 2, 4, 1], ['ID_ISAR5_EL1', 3, 0, 0, 2, 5, 1],
  ['ID_MMFR4_EL1', 3, 0, 0, 2, 6, 1], ['ID_ISAR6_EL1', 3, 0, 0, 2, 7, 1],
  ['MVFR0_EL1', 3, 0, 0, 3, 0, 1], ['MVFR1_EL1', 3, 0, 0, 3, 1, 1], ['MVFR2_EL1', 3, 0, 0, 3, 2, 1],
  ['ID_PFR2_EL1', 3, 0, 0, 3, 4, 1], ['ID_DFR1_EL1', 3, 0, 0, 3, 5, 1], ['ID_MMFR5_EL1', 3, 0, 0, 3, 6, 1],
  ['ID_AA64PFR0_EL1', 3, 0, 0, 4, 0, 1], ['ID_AA64PFR1_EL1', 3, 0, 0, 4, 1, 1],
  ['ID_AA64ZFR0_EL1', 3, 0, 0, 4, 4, 1], ['ID_AA64SMFR0_EL1', 3, 0, 0, 4, 5, 1],
  ['ID_AA64DFR0_EL1', 3, 0, 0, 5, 0, 1], ['ID_AA64DFR1_EL1', 3, 0, 0, 5, 1, 1],
  ['ID_AA64AFR0_EL1', 3, 0, 0, 5, 4, 1], ['ID_AA64AFR1_EL1', 3, 0, 0, 5, 5, 1],
  ['ID_AA64ISAR0_EL1', 3, 0, 0, 6, 0, 1], ['ID_AA64ISAR1_EL1', 3, 0, 0, 6, 1, 1],
  ['ID_AA64ISAR2_EL1', 3, 0, 0, 6, 2, 1],
  ['ID_AA64MMFR0_EL1', 3, 0, 0, 7, 0, 1], ['ID_AA64MMFR1_EL1', 3, 0, 0, 7, 1, 1],
  ['ID_AA64MMFR2_EL1', 3, 0, 0, 7, 2, 1],
  ['CTR_EL0', 3, 3, 0, 0, 1, 1], ['DCZID_EL0', 3, 3, 0, 0, 7, 1], ['CLIDR_EL1', 3, 1, 0, 0, 1, 1],
  ['AIDR_EL1', 3, 1, 0, 0, 7, 1], ['CSSELR_EL1', 3, 2, 0, 0, 0, 1], ['CCSIDR_EL1', 3, 1, 0, 0, 0, 1],
  ['CNTFRQ_EL0', 3, 3, 14, 0, 0, 1], ['CNTPCT_EL0', 3, 3, 14, 0, 1, 1], ['CNTVCT_EL0', 3, 3, 14, 0, 2, 1],
  ['SCTLR_EL1', 3, 0, 1, 0, 0, 1], ['CPACR_EL1', 3, 0, 1, 0, 2, 1], ['MDSCR_EL1', 2, 0, 0, 2, 2, 1],
  ['OSLSR_EL1', 2, 0, 1, 1, 4, 1], ['PMCR_EL0', 3, 3, 9, 12, 0, 1], ['RVBAR_EL1', 3, 0, 12, 0, 1, 1],
  ['ISR_EL1', 3, 0, 12, 1, 0, 1],
  ['VPIDR_EL2', 3, 4, 0, 0, 0, 2], ['VMPIDR_EL2', 3, 4, 0, 0, 5, 2], ['SCTLR_EL2', 3, 4, 1, 0, 0, 2],
  ['HCR_EL2', 3, 4, 1, 1, 0, 2], ['MDCR_EL2', 3, 4, 1, 1, 1, 2], ['CPTR_EL2', 3, 4, 1, 1, 2, 2],
  ['HSTR_EL2', 3, 4, 1, 1, 3, 2], ['CNTHCTL_EL2', 3, 4, 14, 1, 0, 2], ['CNTVOFF_EL2', 3, 4, 14, 0, 3, 2],
  ['RVBAR_EL2', 3, 4, 12, 0, 1, 2],
  ['SCTLR_EL3', 3, 6, 1, 0, 0, 3], ['SCR_EL3', 3, 6, 1, 1, 0, 3], ['CPTR_EL3', 3, 6, 1, 1, 2, 3],
  ['MDCR_EL3', 3, 6, 1, 3, 1, 3], ['RVBAR_EL3', 3, 6, 12, 0, 1, 3],
  // Cortex-A57/A72 IMPLEMENTATION DEFINED registers (UNDEFINED on max).
  ['CBAR_EL1', 3, 1, 15, 3, 0, 1], ['L2CTLR_EL1', 3, 1, 11, 0, 2, 1], ['L2ECTLR_EL1', 3, 1, 11, 0, 3, 1],
  ['L2ACTLR_EL1', 3, 1, 15, 0, 0, 1], ['CPUACTLR_EL1', 3, 1, 15, 2, 0, 1], ['CPUECTLR_EL1', 3, 1, 15, 2, 1, 1],
  ['CPUMERRSR_EL1', 3, 1, 15, 2, 2, 1], ['L2MERRSR_EL1', 3, 1, 15, 2, 3, 1],
];

const SYSREG_FEATURE = 'org.qemu.gdb.arm.sys.regs';
const SCRATCH = 0x5f000000n;           // in the 512 MiB of RAM at 0x40000000, clear of the image and DTB
const SENTINEL = 0x5a5a5a5aa5a5a5a5n;  // X0 before each probe (a trap leaves it unchanged)

const hex = (v) => '0x' + BigInt(v).toString(16);
const fail = (msg) => { console.error(`record-sysregs: ${msg}`); process.exit(1); };

/** MRS Xt, S<op0>_<op1>_C<CRn>_C<CRm>_<op2> (op0 is 2 or 3). */
export function mrs(op0, op1, crn, crm, op2, rt = 0) {
  return (0xd5300000 | ((op0 & 1) << 19) | (op1 << 16) | (crn << 12) | (crm << 8) | (op2 << 5) | rt) >>> 0;
}
/** MSR S<op0>_<op1>_C<CRn>_C<CRm>_<op2>, Xt. */
export function msr(op0, op1, crn, crm, op2, rt = 0) {
  return (mrs(op0, op1, crn, crm, op2, rt) & ~(1 << 21)) >>> 0;
}

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Every QEMU this process started, killed on any exit path.
const children = new Set();
process.on('exit', () => { for (const c of children) { try { c.kill('SIGKILL'); } catch { /* gone */ } } });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

/** Start QEMU halted with a gdb stub; resolve with { child, port, argv }. Retries on a port clash. */
async function startQemu(machine, cpu, image) {
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const argv = [QEMU, '-M', machine, '-cpu', cpu, '-m', '512M', '-display', 'none', '-monitor', 'none',
      '-serial', 'null', '-S', '-gdb', `tcp:127.0.0.1:${port}`];
    if (image) argv.push('-kernel', relative(ROOT, image));
    const child = spawn(argv[0], argv.slice(1), { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    children.add(child);
    let stderr = '';
    let exited = false;
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('exit', () => { exited = true; children.delete(child); });
    child.on('error', (e) => { stderr += String(e); exited = true; });
    await sleep(300);
    if (!exited) return { child, port, argv, stderr: () => stderr };
    if (!/bind|address already in use/i.test(stderr)) fail(`QEMU failed: ${argv.join(' ')}\n${stderr}`);
  }
  fail('could not find a free port for the gdb stub');
}

async function stopQemu(q) {
  if (q.child.exitCode !== null || q.child.signalCode !== null) return;
  const done = new Promise((r) => q.child.once('exit', r));
  q.child.kill('SIGKILL');
  await done;
}

/** Run gdb-multiarch in batch mode; retries while the stub is not yet listening. */
async function runGdb(port, commands) {
  const argv = [GDB, '-nx', '-batch', '-ex', 'set architecture aarch64', '-ex', `target remote 127.0.0.1:${port}`];
  for (const c of commands) argv.push('-ex', c);
  for (let attempt = 0; ; attempt++) {
    const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 });
    if (r.error) fail(`${GDB}: ${r.error.message}`);
    const out = r.stdout + r.stderr;
    if (/Connection refused|Connection timed out/.test(out) && attempt < 20) { await sleep(250); continue; }
    if (!/Remote debugging using|^0x[0-9a-f]+ in /m.test(out) || /Remote connection closed/.test(out)) {
      fail(`gdb could not connect:\n${out}`);
    }
    return { argv, out: r.stdout, err: r.stderr };
  }
}

const unescapeXml = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
  .replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** Parse `maint print xml-tdesc`: [{ feature, name, regnum, bitsize, type, group }]. */
function parseTdesc(text) {
  const start = text.indexOf('<?xml');
  const end = text.indexOf('</target>');
  if (start < 0 || end < 0) fail('no target description in gdb output');
  const xml = text.slice(start, end);
  const regs = [];
  let feature = null;
  for (const m of xml.matchAll(/<feature\s+name="([^"]*)"|<reg\s+([^>]*?)\/?>/g)) {
    if (m[1] !== undefined) { feature = m[1]; continue; }
    const attrs = {};
    for (const a of m[2].matchAll(/(\w+)="([^"]*)"/g)) attrs[a[1]] = unescapeXml(a[2]);
    regs.push({ feature, name: attrs.name, regnum: Number(attrs.regnum), bitsize: Number(attrs.bitsize),
      type: attrs.type ?? null, group: attrs.group ?? null });
  }
  // A <reg> without regnum continues from the previous one (gdb's rule).
  for (let i = 0; i < regs.length; i++) {
    if (Number.isNaN(regs[i].regnum)) regs[i].regnum = i === 0 ? 0 : regs[i - 1].regnum + 1;
  }
  return regs;
}

/** Parse `maint print raw-registers`: Map gdb-regnum -> { name, raw }. */
function parseRaw(text) {
  const at = text.lastIndexOf(' Name         Nr  Rel Offset    Size  Type            Raw value');
  if (at < 0) fail('no raw-registers table in gdb output');
  const map = new Map();
  for (const line of text.slice(at).split('\n').slice(1)) {
    const m = /^ (\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(.+?)\s+(0x[0-9a-f]+|<\w+>)\s*$/.exec(line);
    if (m) map.set(Number(m[2]), { name: m[1], raw: m[7] });
  }
  return map;
}

function dumpRegisters(gdbOut) {
  const tdesc = parseTdesc(gdbOut);
  const raw = parseRaw(gdbOut);
  const core = {};
  const registers = {};
  const info = {};
  const duplicates = [];
  // gdb numbers the tdesc registers 0.. in order; QEMU's regnum attributes are contiguous from 0.
  tdesc.forEach((r, i) => {
    if (r.regnum !== i) fail(`unexpected regnum ${r.regnum} for ${r.name} at position ${i}`);
    const v = raw.get(i);
    if (!v || v.name !== r.name) fail(`raw-registers has no value for ${r.name} (#${i})`);
    const value = v.raw.startsWith('0x') ? hex(BigInt(v.raw)) : v.raw;
    if (r.feature !== SYSREG_FEATURE) {
      // Core/FP/SVE features: keep the scalar registers; V0-V31 and Z0-Z31 are zero at reset
      // and P0-P15/FFR are garbage in QEMU 7.2's stub (see the README), so they are left out.
      if (!/^([vz]\d+|p\d+|ffr)$/.test(r.name)) core[r.name] = value;
      return;
    }
    let name = r.name;
    if (name in registers) { duplicates.push(name); name = `${name}#${r.regnum}`; }
    registers[name] = value;
    info[name] = { regnum: r.regnum, bitsize: r.bitsize, feature: r.feature, group: r.group };
  });
  return { tdesc, core, registers, info, duplicates };
}

/** JSON with two-space indentation, except that small flat objects and arrays stay on one line. */
function toJson(value, indent = '') {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const entries = Array.isArray(value) ? value.map((v) => [null, v]) : Object.entries(value);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return open + close;
  const key = (k) => (k === null ? '' : JSON.stringify(k) + ': ');
  const flat = entries.every(([, v]) => v === null || typeof v !== 'object');
  if (flat) {
    const line = open + entries.map(([k, v]) => key(k) + JSON.stringify(v)).join(', ') + close;
    if (line.length + indent.length <= 100) return line;
  }
  const inner = indent + '  ';
  return open + '\n' + entries.map(([k, v]) => inner + key(k) + toJson(v, inner)).join(',\n') + '\n' + indent + close;
}

function bits(v, lo, n) { return Number((BigInt(v) >> BigInt(lo)) & ((1n << BigInt(n)) - 1n)); }

/** Probe hidden registers by single-stepping MRS instructions; returns the probe record. */
async function probe(port, currentEl, clidr, core) {
  const entries = PROBES.filter((p) => p[6] <= currentEl).map(([name, op0, op1, crn, crm, op2]) => ({
    name, enc: [op0, op1, crn, crm, op2], insns: [mrs(op0, op1, crn, crm, op2)] }));
  // CCSIDR_EL1 for every cache CLIDR_EL1 describes: MSR CSSELR_EL1, X1; MRS X0, CCSIDR_EL1.
  const csselrs = [];
  for (let level = 0; level < 7; level++) {
    const ctype = bits(clidr, level * 3, 3);
    if (ctype === 0) break;
    if (ctype === 2 || ctype === 3 || ctype === 4) csselrs.push(level << 1);      // data or unified
    if (ctype === 1 || ctype === 3) csselrs.push((level << 1) | 1);               // instruction
  }
  for (const sel of csselrs) {
    entries.push({ name: `CCSIDR_EL1[CSSELR=${sel}]`, enc: [3, 1, 0, 0, 0], csselr: sel,
      insns: [msr(3, 2, 0, 0, 0, 1), mrs(3, 1, 0, 0, 0)] });
  }
  const cmds = [];
  let addr = SCRATCH;
  for (const e of entries) {
    e.addr = addr;
    for (const w of e.insns) { cmds.push(`set {unsigned int}${hex(addr)} = ${hex(w)}`); addr += 4n; }
  }
  cmds.push('printf "START 0x%lx 0x%lx\\n", $pc, $cpsr', 'set $orig_cpsr = $cpsr');
  entries.forEach((e, i) => {
    cmds.push('set $cpsr = $orig_cpsr', `set $x0 = ${hex(SENTINEL)}`, `set $pc = ${hex(e.addr)}`);
    if (e.csselr !== undefined) cmds.push(`set $x1 = ${e.csselr}`, 'stepi');
    cmds.push('stepi', `printf "PROBE ${i} 0x%lx 0x%lx 0x%lx\\n", $pc, $x0, $cpsr`);
    // Syndrome of a trap, if any: ESR_ELn for every EL the exception can have gone to.
    for (let n = Math.max(1, currentEl); n <= 3; n++) cmds.push(`printf "ESR ${i} ${n} 0x%lx\\n", $ESR_EL${n}`);
  });
  const { argv, out } = await runGdb(port, cmds);
  if (process.env.RECORD_SYSREGS_DEBUG) console.error(out);
  const start = /^START (0x[0-9a-f]+) (0x[0-9a-f]+)$/m.exec(out);
  if (!start || BigInt(start[1]) !== BigInt(core.pc) || BigInt(start[2]) !== BigInt(core.cpsr)) {
    fail(`probe session did not start in the reset state (pc/cpsr ${start?.slice(1)} vs ${core.pc}/${core.cpsr})`);
  }
  const results = {};
  const esr = new Map();
  for (const m of out.matchAll(/^ESR (\d+) (\d) (0x[0-9a-f]+)$/gm)) esr.set(`${m[1]}/${m[2]}`, BigInt(m[3]));
  for (const m of out.matchAll(/^PROBE (\d+) (0x[0-9a-f]+) (0x[0-9a-f]+) (0x[0-9a-f]+)$/gm)) {
    const e = entries[Number(m[1])];
    const expectPc = e.addr + 4n * BigInt(e.insns.length);
    const rec = { encoding: { op0: e.enc[0], op1: e.enc[1], CRn: e.enc[2], CRm: e.enc[3], op2: e.enc[4] },
      insn: e.insns.map((w) => hex(w)) };
    if (e.csselr !== undefined) rec.csselr = e.csselr;
    if (BigInt(m[2]) === expectPc) rec.value = hex(BigInt(m[3]));
    else {
      // Not completed: the MRS took an exception.  EC 0x00: UNDEFINED; 0x18: MSR/MRS trap;
      // 0x07: FP/SIMD/SVE access trap; 0x1d: SME access trap.
      rec.value = null;
      const el = bits(BigInt(m[4]), 2, 2);
      const syndrome = esr.get(`${m[1]}/${el}`);
      rec.trapped = { pc: hex(BigInt(m[2])), cpsr: hex(BigInt(m[4])), el,
        esr: syndrome === undefined ? null : hex(syndrome), ec: syndrome === undefined ? null : hex(syndrome >> 26n) };
    }
    results[e.name] = rec;
  }
  if (Object.keys(results).length !== entries.length) fail(`probe incomplete:\n${out}`);
  // The gdb argv holds only scratch-memory writes and steps; record the shape, not 1000 -ex's.
  return { gdbCommand: [...argv.slice(0, 7), '-ex', '<per probe: write insn at scratch, set $pc/$x0(/$x1), stepi, printf $pc $x0 $cpsr $ESR_ELn>'],
    scratch: hex(SCRATCH), sentinel: hex(SENTINEL), skippedBelowEL: PROBES.filter((p) => p[6] > currentEl).map((p) => p[0]),
    registers: results };
}

async function recordOne(model, mode, image, withProbe, qemuVersion) {
  const redact = (port) => (a) => a.replace(String(port), 'PORT');
  // Session 1: the gdb dump.  gdb -batch detaches when it exits and QEMU then resumes the
  // guest, so this QEMU is killed afterwards and the probe gets a fresh one.
  const q = await startQemu(MODES[mode], model, image);
  let rec;
  try {
    const { argv: gdbArgv, out } = await runGdb(q.port, ['maint print xml-tdesc', 'maint print raw-registers']);
    const dump = dumpRegisters(out);
    rec = {
      qemu: qemuVersion,
      model, mode,
      command: q.argv.map(redact(q.port)),
      gdbCommand: gdbArgv.map(redact(q.port)),
      kernel: image ? { path: relative(ROOT, image), sha256: createHash('sha256').update(readFileSync(image)).digest('hex') } : null,
      core: dump.core,
      registerCount: Object.keys(dump.registers).length,
      registers: Object.fromEntries(Object.entries(dump.registers).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      gdb: {
        note: 'QEMU 7.2 describes system registers (feature org.qemu.gdb.arm.sys.regs) by name, bitsize, regnum and group only; it gives no op0/op1/CRn/CRm/op2 encoding. The probe section gives encodings for the registers it reads.',
        duplicates: dump.duplicates,
        regnums: Object.fromEntries(Object.entries(dump.info).map(([n, i]) => [n, i.regnum])),
      },
    };
  } finally {
    await stopQemu(q);
  }
  if (withProbe) {
    // Session 2: a fresh QEMU, same command line, for the MRS probes.
    const el = bits(rec.core.cpsr, 2, 2);
    const clidr = rec.registers.CLIDR ?? rec.registers.CLIDR_EL1;
    if (clidr === undefined) fail('no CLIDR in the gdb dump');
    const q2 = await startQemu(MODES[mode], model, image);
    try {
      const p = await probe(q2.port, el, clidr, rec.core);
      p.gdbCommand = p.gdbCommand.map(redact(q2.port));
      rec.probe = { command: q2.argv.map(redact(q2.port)), ...p };
      // Cross-check against the gdb dump.  QEMU names AArch32/AArch64 shared registers by their
      // AArch32 name (SCTLR, CLIDR, ...), so also try the name without _EL1, and it names some
      // RAZ ID registers ..._RESERVED.
      for (const [name, r] of Object.entries(rec.probe.registers)) {
        const gdbName = [name, name.replace(/_EL1$/, ''), `${name}_RESERVED`].find((n) => n in rec.registers);
        if (!gdbName || r.csselr !== undefined) continue;
        r.gdbName = gdbName;
        if (r.value !== null && r.value !== rec.registers[gdbName]) r.gdbValue = rec.registers[gdbName];
      }
    } finally {
      await stopQemu(q2);
    }
  }
  return rec;
}

async function main() {
  const args = process.argv.slice(2);
  let outDir = join(ROOT, 'tests/sysregs/qemu');
  let image = join(ROOT, 'tests/images/demo/demo.elf');
  let withProbe = true;
  const only = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--out') outDir = resolve(args[++i]);
    else if (a === '--image') image = args[++i] === 'none' ? null : resolve(args[i]);
    else if (a === '--no-probe') withProbe = false;
    else if (a === '-h' || a === '--help') { console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 24).join('\n')); return; }
    else only.push(a);
  }
  const v = spawnSync(QEMU, ['--version'], { encoding: 'utf8' });
  if (v.error || v.status !== 0) fail(`cannot run ${QEMU} (apt-get install qemu-system-arm)`);
  const qemuVersion = v.stdout.split('\n')[0].trim();
  const g = spawnSync(GDB, ['--version'], { encoding: 'utf8' });
  if (g.error || g.status !== 0) fail(`cannot run ${GDB} (apt-get install gdb-multiarch)`);
  mkdirSync(outDir, { recursive: true });
  for (const model of MODELS) {
    for (const mode of Object.keys(MODES)) {
      const id = `${model}-${mode}`;
      if (only.length && !only.includes(id)) continue;
      const rec = await recordOne(model, mode, image, withProbe, qemuVersion);
      const file = join(outDir, `${id}.json`);
      writeFileSync(file, toJson(rec) + '\n');
      const pr = rec.probe ? Object.values(rec.probe.registers) : [];
      const trapped = pr.filter((r) => r.value === null).length;
      const differ = pr.filter((r) => r.gdbValue !== undefined).length;
      console.log(`${relative(ROOT, file)}: ${rec.registerCount} gdb registers, cpsr ${rec.core.cpsr}` +
        (rec.probe ? `, ${pr.length} probed (${trapped} trapped, ${differ} differ from gdb)` : ''));
    }
  }
}

main().catch((e) => fail(e.stack ?? String(e)));
