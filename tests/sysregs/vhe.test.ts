// FEAT_VHE on max (src/sysregs/vhe.ts and the E2H cases of timer.ts, traps.ts, fptrap.ts,
// exception.ts). Expected values are the Arm ARM's: D5.6 "Virtualization Host Extensions"
// and the registers' accessibility pseudocode (with HCR_EL2.E2H = 1, an EL1 register
// encoding at EL2 accesses the EL2 register; SCTLR_EL12 etc. access the EL1 register, and
// are UNDEFINED when E2H is 0); CNTHCTL_EL2 (D17.11.2) and CPTR_EL2 (D17.2.31) in their E2H
// = 1 layouts; AArch64.TakeException for PSTATE.PAN. Where QEMU 7.2 differs (the *_EL12
// encodings with E2H = 0) the sweep's ALLOWED list says so; the rest is compared with QEMU
// 7.2 by the sweep recordings (tests/sysregs/sweep-traps/, HCR_EL2.E2H set).
import { describe, expect, it } from 'vitest';
import { Cpu } from '../../src/cpu/cpu.js';
import { MODELS, modelForEl } from '../../src/cpu/models.js';
import { Runner } from '../../src/cpu/run.js';
import { Slot } from '../../src/cpu/state.js';
import { checkFpAccess } from '../../src/cpu/fptrap.js';
import type { PhysBus } from '../../src/mmu/memory.js';
import { sysregByName } from '../../src/sysregs/table.js';
import { R, word, type Enc } from '../cpu/modes.js';

const BASE = 0x40000000;
const RW = 1n << 31n;
const E2H = 1n << 34n;
const TGE = 1n << 27n;

const SCTLR_EL1 = R(3, 0, 1, 0, 0);
const SCTLR_EL12 = R(3, 5, 1, 0, 0);
const CPACR_EL1 = R(3, 0, 1, 0, 2);
const TTBR1_EL1 = R(3, 0, 2, 0, 1);
const ELR_EL1 = R(3, 0, 4, 0, 1);
const CONTEXTIDR_EL1 = R(3, 0, 13, 0, 1);
const CNTKCTL_EL1 = R(3, 0, 14, 1, 0);
const CNTP_CTL_EL0 = R(3, 3, 14, 2, 1);
const CNTV_CVAL_EL0 = R(3, 3, 14, 3, 2);
const CNTV_CVAL_EL02 = R(3, 5, 14, 3, 2);
const CNTV_CTL_EL0 = R(3, 3, 14, 3, 1);
const CNTVCT_EL0 = R(3, 3, 14, 0, 2);
const HCR_EL2 = R(3, 4, 1, 1, 0);

interface Opts { model?: string; el?: number; hcr?: bigint; setup?: (cpu: Cpu) => void }
/** Runs `words` at `el` (max with EL2 by default; HCR_EL2 = hcr) and returns the CPU. */
function run(words: number[], { model = 'max', el = 2, hcr = RW, setup }: Opts = {}): Cpu {
  const ram = new Uint8Array(1 << 16);
  const bus: PhysBus = { ram, ramBase: BASE, mmioRead: () => undefined, mmioWrite: () => false };
  const cpu = new Cpu(bus, modelForEl(MODELS[model], 2), { counter: () => 1000n });
  cpu.resetTo(el === 0 ? 1 : el, BigInt(BASE));
  if (el === 0) cpu.selectSp(0, 0);
  cpu.x[Slot.HCR_EL2] = hcr;
  for (let i = 0; i < 3; i++) cpu.x[Slot.VBAR_EL1 + i] = BigInt(BASE + 0x1000 * (i + 1));
  setup?.(cpu);
  words.forEach((w, i) => new DataView(ram.buffer).setUint32(4 * i, w, true));
  new Runner(cpu).run(words.length);
  return cpu;
}
const mrs = (e: Enc, rt = 0): number => word(e, true, rt);
const msr = (e: Enc, rt = 1): number => word(e, false, rt);
/** Whether the run ended past the last word (nothing was taken), else the EC and target EL. */
const outcome = (cpu: Cpu, n: number): string =>
  cpu.pc === BigInt(BASE + 4 * n) ? 'ok' : `EC 0x${Number(cpu.x[Slot.ESR_EL1 + cpu.el - 1] >> 26n).toString(16)} to EL${cpu.el}`;

describe('FEAT_VHE: ID and HCR_EL2.E2H', () => {
  it('ID_AA64MMFR1_EL1.VH [11:8] is 1 on max, 0 on cortex-a57', () => {
    expect((sysregByName(MODELS.max, 'ID_AA64MMFR1_EL1')!.constValue! >> 8n) & 0xfn).toBe(1n);
    expect((sysregByName(MODELS['cortex-a57'], 'ID_AA64MMFR1_EL1')!.constValue! >> 8n) & 0xfn).toBe(0n);
  });
  it('HCR_EL2.E2H (bit 34) is writable on max, RES0 on cortex-a57', () => {
    const set = (cpu: Cpu) => void (cpu.x[1] = RW | E2H);
    expect(run([msr(HCR_EL2)], { setup: set }).x[Slot.HCR_EL2]).toBe(RW | E2H);
    expect(run([msr(HCR_EL2)], { model: 'cortex-a57', setup: set }).x[Slot.HCR_EL2]).toBe(RW);
  });
});

describe('FEAT_VHE: EL1 register encodings at EL2 with E2H = 1 reach the EL2 registers', () => {
  const pairs: [string, Enc, number, number][] = [
    ['SCTLR_EL1 -> SCTLR_EL2', SCTLR_EL1, Slot.SCTLR_EL1, Slot.SCTLR_EL1 + 1],
    ['CPACR_EL1 -> CPTR_EL2', CPACR_EL1, Slot.CPACR_EL1, Slot.CPTR_EL2],
    ['TTBR1_EL1 -> TTBR1_EL2', TTBR1_EL1, Slot.TTBR1_EL1, Slot.TTBR1_EL2],
    ['ELR_EL1 -> ELR_EL2', ELR_EL1, Slot.ELR_EL1, Slot.ELR_EL1 + 1],
    ['CONTEXTIDR_EL1 -> CONTEXTIDR_EL2', CONTEXTIDR_EL1, Slot.CONTEXTIDR_EL1, Slot.CONTEXTIDR_EL2],
    ['CNTKCTL_EL1 -> CNTHCTL_EL2', CNTKCTL_EL1, Slot.CNTKCTL_EL1, Slot.CNTHCTL_EL2],
    ['CNTV_CVAL_EL0 -> CNTHV_CVAL_EL2', CNTV_CVAL_EL0, Slot.CNTV_CVAL_EL0, Slot.CNTHV_CVAL_EL2],
  ];
  for (const [name, enc, el1, el2] of pairs) {
    it(name, () => {
      const setup = (cpu: Cpu) => {
        cpu.x[1] = 0x1230n;
        cpu.x[el1] = 0x11n;
        cpu.x[el2] = 0x22n;
      };
      // E2H = 1: MSR writes the EL2 register, MRS reads it back; the EL1 register is untouched.
      let cpu = run([mrs(enc, 0), msr(enc, 1), mrs(enc, 2)], { hcr: RW | E2H, setup });
      expect([cpu.x[0], cpu.x[el2], cpu.x[2], cpu.x[el1]]).toEqual([0x22n, 0x1230n, 0x1230n, 0x11n]);
      // E2H = 0: the EL1 register.
      cpu = run([mrs(enc, 0), msr(enc, 1)], { setup });
      expect([cpu.x[0], cpu.x[el1], cpu.x[el2]]).toEqual([0x11n, 0x1230n, 0x22n]);
    });
  }
  it('CNTP_CTL_EL0 at EL2 reaches CNTHP_CTL_EL2 (ENABLE, IMASK stored)', () => {
    const cpu = run([msr(CNTP_CTL_EL0)], { hcr: RW | E2H, setup: (c) => void (c.x[1] = 3n) });
    expect([cpu.x[Slot.CNTHP_CTL_EL2], cpu.x[Slot.CNTP_CTL_EL0]]).toEqual([3n, 0n]);
  });
});

describe('FEAT_VHE: the *_EL12 / *_EL02 encodings', () => {
  it('SCTLR_EL12 at EL2 with E2H = 1 reaches SCTLR_EL1', () => {
    const cpu = run([mrs(SCTLR_EL12, 0), msr(SCTLR_EL12, 1)], {
      hcr: RW | E2H, setup: (c) => ((c.x[1] = 0x30d01805n), (c.x[Slot.SCTLR_EL1] = 0x44n)),
    });
    expect([cpu.x[0], cpu.x[Slot.SCTLR_EL1], cpu.x[Slot.SCTLR_EL1 + 1]]).toEqual([0x44n, 0x30d01805n, 0n]);
  });
  it('CNTV_CVAL_EL02 at EL2 with E2H = 1 reaches CNTV_CVAL_EL0', () => {
    const cpu = run([msr(CNTV_CVAL_EL02)], { hcr: RW | E2H, setup: (c) => void (c.x[1] = 0x999n) });
    expect([cpu.x[Slot.CNTV_CVAL_EL0], cpu.x[Slot.CNTHV_CVAL_EL2]]).toEqual([0x999n, 0n]);
  });
  it('UNDEFINED at EL2 with E2H = 0 and at EL1 (no FEAT_NV)', () => {
    expect(outcome(run([mrs(SCTLR_EL12)]), 1)).toBe('EC 0x0 to EL2');
    expect(outcome(run([mrs(SCTLR_EL12)], { el: 1, hcr: RW | E2H }), 1)).toBe('EC 0x0 to EL1');
  });
});

describe('FEAT_VHE: the EL2&0 regime at EL0 ({E2H,TGE} = {1,1}) and the counters', () => {
  it('CNTV_CTL_EL0 at EL0 reaches CNTHV_CTL_EL2, gated by CNTHCTL_EL2.EL0VTEN (bit 8), trapping to EL2', () => {
    const hcr = RW | E2H | TGE;
    const ok = run([msr(CNTV_CTL_EL0)], { el: 0, hcr, setup: (c) => ((c.x[1] = 1n), (c.x[Slot.CNTHCTL_EL2] = 1n << 8n)) });
    expect([outcome(ok, 1), ok.x[Slot.CNTHV_CTL_EL2], ok.x[Slot.CNTV_CTL_EL0]]).toEqual(['ok', 1n, 0n]);
    // CNTKCTL_EL1.EL0VTEN set does not help: CNTHCTL_EL2 decides in the EL2&0 regime.
    const trapped = run([msr(CNTV_CTL_EL0)], { el: 0, hcr, setup: (c) => ((c.x[Slot.CNTHCTL_EL2] = 0n), (c.x[Slot.CNTKCTL_EL1] = 1n << 8n)) });
    expect(outcome(trapped, 1)).toBe('EC 0x18 to EL2');
  });
  it('CNTVCT_EL0 has no CNTVOFF_EL2 offset at EL2 with E2H = 1 (the EL2&0 regime); at EL1 it has', () => {
    const setup = (c: Cpu) => void (c.x[Slot.CNTVOFF_EL2] = 100n);
    expect(run([mrs(CNTVCT_EL0)], { hcr: RW | E2H, setup }).x[0]).toBe(1000n);
    expect(run([mrs(CNTVCT_EL0)], { hcr: RW, setup }).x[0]).toBe(900n);
    expect(run([mrs(CNTVCT_EL0)], { el: 1, hcr: RW | E2H, setup }).x[0]).toBe(900n);
  });
  it('CNTHCTL_EL2 with E2H = 1: EL1PTEN (bit 11) traps EL1 physical timer accesses, EL1PCEN (bit 1) does not', () => {
    expect(outcome(run([mrs(CNTP_CTL_EL0)], { el: 1, hcr: RW | E2H, setup: (c) => void (c.x[Slot.CNTHCTL_EL2] = 3n) }), 1)).toBe('EC 0x18 to EL2');
    expect(outcome(run([mrs(CNTP_CTL_EL0)], { el: 1, hcr: RW | E2H, setup: (c) => void (c.x[Slot.CNTHCTL_EL2] = 1n << 11n) }), 1)).toBe('ok');
    expect(outcome(run([mrs(CNTP_CTL_EL0)], { el: 1, hcr: RW, setup: (c) => void (c.x[Slot.CNTHCTL_EL2] = 1n << 11n) }), 1)).toBe('EC 0x18 to EL2');
  });
});

describe('FEAT_VHE: CPTR_EL2 in CPACR_EL1 layout (FPEN [21:20]) with E2H = 1', () => {
  /** The EL and EC checkFpAccess raises, or 'ok'. */
  function fp(el: number, hcr: bigint, cptr: bigint, cpacr = 3n << 20n): string {
    const cpu = run([], { el, hcr, setup: (c) => ((c.x[Slot.CPTR_EL2] = cptr), (c.x[Slot.CPACR_EL1] = cpacr)) });
    try {
      checkFpAccess(cpu);
      return 'ok';
    } catch {
      return `EC 0x${cpu.exc.ec.toString(16)} to EL${cpu.exc.targetEl}`;
    }
  }
  it('FPEN 0b00 traps EL2 and EL1 to EL2; 0b11 traps nothing; TFP (bit 10) means nothing', () => {
    expect(fp(2, RW | E2H, 0n)).toBe('EC 0x7 to EL2');
    expect(fp(1, RW | E2H, 0n)).toBe('EC 0x7 to EL2');
    expect(fp(2, RW | E2H, (3n << 20n) | (1n << 10n))).toBe('ok');
  });
  it('FPEN 0b01 traps only EL0 with TGE = 1', () => {
    expect(fp(2, RW | E2H, 1n << 20n)).toBe('ok');
    expect(fp(0, RW | E2H | TGE, 1n << 20n, 0n)).toBe('EC 0x7 to EL2');
    expect(fp(1, RW | E2H, 1n << 20n)).toBe('ok');
  });
  it('at EL0 with {E2H,TGE} = {1,1} CPACR_EL1.FPEN does not apply', () => {
    expect(fp(0, RW | E2H | TGE, 3n << 20n, 0n)).toBe('ok');
  });
  it('E2H = 0: TFP (bit 10) traps, FPEN is not looked at', () => {
    expect(fp(2, RW, 1n << 10n)).toBe('EC 0x7 to EL2');
    expect(fp(2, RW, 0n)).toBe('ok');
  });
});

describe('FEAT_VHE: exception entry to EL2 with {E2H,TGE} = {1,1} sets PSTATE.PAN unless SCTLR_EL2.SPAN', () => {
  const SVC = 0xd4000001;
  const take = (hcr: bigint, sctlrEl2: bigint): number => {
    const cpu = run([SVC], { el: 0, hcr, setup: (c) => void (c.x[Slot.SCTLR_EL1 + 1] = sctlrEl2) });
    expect(cpu.el, 'TGE routes the SVC to EL2').toBe(2);
    return cpu.pan;
  };
  it('SPAN = 0: PAN set; SPAN = 1: unchanged; TGE without E2H: unchanged', () => {
    expect(take(RW | E2H | TGE, 0n)).toBe(1);
    expect(take(RW | E2H | TGE, 1n << 23n)).toBe(0);
    expect(take(RW | TGE, 0n)).toBe(0);
  });
});

describe('writes that change translation mark context (the memory system re-derives its state)', () => {
  it('TTBR*, TCR*, SCTLR*, MAIR*, HCR_EL2, VTTBR_EL2, VTCR_EL2, SCR_EL3 and the *_EL12 views of the EL1 ones', () => {
    const model = modelForEl(MODELS.max, 3, { el2: true });
    const names = [
      'TTBR0_EL1', 'TTBR1_EL1', 'TCR_EL1', 'SCTLR_EL1', 'MAIR_EL1', 'TTBR0_EL2', 'TTBR1_EL2', 'TCR_EL2', 'SCTLR_EL2',
      'MAIR_EL2', 'HCR_EL2', 'VTTBR_EL2', 'VTCR_EL2', 'TTBR0_EL3', 'TCR_EL3', 'SCTLR_EL3', 'MAIR_EL3', 'SCR_EL3',
      'TTBR0_EL12', 'TTBR1_EL12', 'TCR_EL12', 'SCTLR_EL12', 'MAIR_EL12',
    ];
    expect(names.filter((n) => sysregByName(model, n)?.context !== true)).toEqual([]);
  });
  it('an MSR TTBR0_EL1 at EL2 with E2H = 1 (reaching TTBR0_EL2) calls contextChanged', () => {
    let calls = 0;
    const cpu = run([msr(R(3, 0, 2, 0, 0))], { hcr: RW | E2H, setup: (c) => {
      c.x[1] = 0x8000n;
      const orig = c.contextChanged.bind(c);
      c.contextChanged = () => ((calls += 1), orig());
    } });
    expect([calls, cpu.x[Slot.TTBR0_EL2], cpu.x[Slot.TTBR0_EL1]]).toEqual([1, 0x8000n, 0n]);
  });
});

describe('EL0 in host ({E2H,TGE} = {1,1}): SCTLR_EL2 holds the EL0 controls; HCR_EL2 EL0 traps behave as 0', () => {
  const HOST = RW | E2H | TGE;
  const CTR_EL0 = R(3, 3, 0, 0, 1);
  const UCT = 1n << 15n;
  const TID2 = 1n << 17n;
  const WFI = 0xd503207f;
  const nTWI = 1n << 16n;
  const TWI = 1n << 13n;
  it('CTR_EL0: SCTLR_EL2.UCT decides (SCTLR_EL1.UCT does not), trapping to EL2', () => {
    const sctlr = (el1: bigint, el2: bigint) => (c: Cpu) => ((c.x[Slot.SCTLR_EL1] = el1), (c.x[Slot.SCTLR_EL1 + 1] = el2));
    expect(outcome(run([mrs(CTR_EL0)], { el: 0, hcr: HOST, setup: sctlr(UCT, UCT) }), 1)).toBe('ok');
    expect(outcome(run([mrs(CTR_EL0)], { el: 0, hcr: HOST, setup: sctlr(UCT, 0n) }), 1)).toBe('EC 0x18 to EL2');
    // HCR_EL2.TID2 behaves as 0 for EL0 in host; with E2H = 0 (TGE = 1) it traps.
    expect(outcome(run([mrs(CTR_EL0)], { el: 0, hcr: HOST | TID2, setup: sctlr(0n, UCT) }), 1)).toBe('ok');
    expect(outcome(run([mrs(CTR_EL0)], { el: 0, hcr: RW | TGE | TID2, setup: sctlr(UCT, 0n) }), 1)).toBe('EC 0x18 to EL2');
  });
  it('WFI: SCTLR_EL2.nTWI decides; HCR_EL2.TWI behaves as 0', () => {
    expect(outcome(run([WFI], { el: 0, hcr: HOST, setup: (c) => void (c.x[Slot.SCTLR_EL1 + 1] = 0n) }), 1)).toBe('EC 0x1 to EL2');
    expect(outcome(run([WFI], { el: 0, hcr: HOST | TWI, setup: (c) => ((c.x[Slot.SCTLR_EL1 + 1] = nTWI), (c.x[Slot.SCTLR_EL1] = 0n)) }), 1)).toBe('ok');
  });
});
