// A compact recording of one side's sweep results (QEMU's, committed under tests/sysregs/sweep/)
// so that a64emu can be compared with QEMU 7.2 without running it. Text, one line per encoding
// whose outcome is not the space's default at that phase (sweep.ts defaultOutcome: for MRS/MSR,
// UNDEFINED on both):
//     # comments
//     phase EL1
//     <encoding index, hex> <MRS status> <value> <MSR status>      (hex, statuses as sweep.ts)

import { encodingsIn, RECORD, phaseName, type Phase, type SweepSpace } from './sweep_image.js';
import { defaultOutcome, outcomeAt, type SweepData } from './sweep.js';

const hex = (v: bigint | number): string => v.toString(16);

/** The recording of `data` (phases as run), with header comment lines. */
export function formatRecording(phases: readonly Phase[], data: SweepData, header: readonly string[], space: SweepSpace = 'sysreg'): string {
  const out = header.map((h) => `# ${h}`);
  const n = encodingsIn(space);
  phases.forEach((p, k) => {
    out.push(`phase ${phaseName(p)}`);
    const d = defaultOutcome(space, p.el);
    for (let i = 0; i < n; i++) {
      const o = outcomeAt(data, k, i, n);
      if (o.mrs === d.mrs && o.msr === d.msr && o.value === d.value) continue;
      out.push(`${hex(i)} ${hex(o.mrs)} ${hex(o.value)} ${hex(o.msr)}`);
    }
  });
  return `${out.join('\n')}\n`;
}

/** The results a recording stands for; throws if its phases are not `phases`. */
export function parseRecording(text: string, phases: readonly Phase[], space: SweepSpace = 'sysreg'): SweepData {
  const n = encodingsIn(space);
  const data = new Uint8Array(phases.length * n * RECORD);
  const dv = new DataView(data.buffer);
  let k = -1;
  const seen: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('phase ')) {
      k++;
      const name = line.slice(6).trim();
      seen.push(name);
      if (k >= phases.length || phaseName(phases[k]) !== name) break;
      const d = defaultOutcome(space, phases[k].el);
      for (let i = 0; i < n; i++) {
        const off = (k * n + i) * RECORD;
        dv.setBigUint64(off, d.mrs, true);
        dv.setBigUint64(off + 8, d.value, true);
        dv.setBigUint64(off + 16, d.msr, true);
      }
      continue;
    }
    const [i, mrs, value, msr] = line.split(' ').map((f) => BigInt(`0x${f}`));
    if (k < 0 || msr === undefined) throw new Error(`sweep recording: bad line '${line}'`);
    const off = (k * n + Number(i)) * RECORD;
    dv.setBigUint64(off, mrs, true);
    dv.setBigUint64(off + 8, value, true);
    dv.setBigUint64(off + 16, msr, true);
  }
  const want = phases.map(phaseName);
  if (seen.join(',') !== want.join(',')) throw new Error(`sweep recording: phases ${seen.join(', ')}, expected ${want.join(', ')}`);
  return data;
}
