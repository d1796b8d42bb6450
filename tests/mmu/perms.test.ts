// Stage 1 permissions of the EL1&0 regime, the hierarchical controls, PAN, the Access flag
// and the dirty state. Expected values from the Arm ARM:
// - D8.4.1 (data access permissions, AP[2:1]): 00 EL1 RW / EL0 none, 01 RW / RW,
//   10 RO / none, 11 RO / RO;
// - D8.4.2 (execute-never): EL0 may execute unless UXN; EL1 unless PXN, and never memory
//   writable at EL0; SCTLR_EL1.WXN makes memory writable at an EL execute-never there;
// - D8.4.3 (hierarchical controls): APTable[0] removes EL0 access, APTable[1] write access,
//   XNTable/UXNTable and PXNTable the execute permissions, below the table; TCR.HPDn
//   (FEAT_HPDS) disables them, and without FEAT_HPDS the HPD bits are RES0;
// - D8.4.4 / AArch64.S1ComputePermissions: PSTATE.PAN makes privileged data accesses to
//   memory EL0 can read or write fault; not instruction fetches, not cache maintenance;
// - D8.4.5-6 / AArch64.S1Walk, AArch64.SetAccessFlag, AArch64.SetDirtyState: AF = 0 is an
//   Access flag fault (before permission faults) unless TCR.HA, in which case the hardware
//   sets AF (only for an access that does not fault); with TCR.HD a DBM = 1 descriptor
//   with AP[2] = 1 is writable-clean: permissions as if AP[2] = 0, and a write clears AP[2];
//   an AT sets AF (AArch64.S1Translate: SettingAccessFlagPermitted has no AT exception;
//   QEMU 7.2 too) but never the dirty state (it excludes AT, IC and DC).
import { describe, expect, it } from 'vitest';
import { Slot } from '../../src/cpu/state.js';
import { AccessType, FaultType, MmuFault, Perm, Regime } from '../../src/mmu/types.js';
import { permits } from '../../src/mmu/walk.js';
import { AF, ap, apTable, DBM, faultOf, mmuCpu, PXN, PXN_TABLE, rd64, req, Tables, tcr, tr, UXN, XN_TABLE } from './tables.js';

const VA = 0x12_3456_7000n;
const PA = 0x4055_5000n;

function setup(leaf: bigint, tableAttrs = 0n, o: { model?: string; t?: bigint; wxn?: boolean } = {}) {
  const cpu = mmuCpu({ model: o.model ?? 'max' });
  const t = new Tables(cpu, 12, 48);
  cpu.x[Slot.TCR_EL1] = o.t ?? tcr({ t0sz: 16 });
  cpu.x[Slot.TTBR0_EL1] = BigInt(t.root);
  cpu.x[Slot.SCTLR_EL1] |= 1n | (o.wxn ? 1n << 19n : 0n);
  const a = t.map(VA, PA, 3, leaf, tableAttrs);
  return { cpu, a };
}

const KINDS: [string, number, AccessType, number][] = [
  ['EL1 read', 1, AccessType.READ, Perm.R1], ['EL1 write', 1, AccessType.WRITE, Perm.W1], ['EL1 fetch', 1, AccessType.FETCH, Perm.X1],
  ['EL0 read', 0, AccessType.READ, Perm.R0], ['EL0 write', 0, AccessType.WRITE, Perm.W0], ['EL0 fetch', 0, AccessType.FETCH, Perm.X0],
];

/** D8.4.1: AP[2:1] → [R1, W1, R0, W0]. */
const AP_TABLE: Record<number, number[]> = { 0: [1, 1, 0, 0], 1: [1, 1, 1, 1], 2: [1, 0, 0, 0], 3: [1, 0, 1, 0] };

describe('AP x UXN x PXN x WXN, each access kind at each privilege', () => {
  for (const apv of [0, 1, 2, 3])
    for (const uxn of [0, 1])
      for (const pxn of [0, 1])
        for (const wxn of [false, true]) {
          const [r1, w1, r0, w0] = AP_TABLE[apv];
          const x0 = !uxn && !(wxn && w0) ? 1 : 0;
          const x1 = !pxn && !w0 && !(wxn && w1) ? 1 : 0;
          const want = (r1 ? Perm.R1 : 0) | (w1 ? Perm.W1 : 0) | (r0 ? Perm.R0 : 0) | (w0 ? Perm.W0 : 0) | (x0 ? Perm.X0 : 0) | (x1 ? Perm.X1 : 0);
          it(`AP=${apv} UXN=${uxn} PXN=${pxn} WXN=${+wxn}`, () => {
            const { cpu } = setup(AF | ap(apv) | (uxn ? UXN : 0n) | (pxn ? PXN : 0n), 0n, { wxn });
            for (const [name, priv, acc, bit] of KINDS) {
              const o = tr(cpu, VA, req(Regime.EL10, { priv, acc }));
              if (want & bit) expect(o.e!.perm1 & 63, name).toBe(want);
              else expect(faultOf(o), name).toEqual([FaultType.PERMISSION, 3, false, false]);
            }
            // PAN: a privileged data access faults where EL0 has data access; fetches do not
            // care, nor does cache maintenance.
            for (const acc of [AccessType.READ, AccessType.WRITE]) {
              const o = tr(cpu, VA, req(Regime.EL10, { acc, pan: true }));
              const ok = (acc === AccessType.READ ? r1 : w1) && !r0 && !w0;
              if (ok) expect(o.e).not.toBeNull();
              else expect(faultOf(o)).toEqual([FaultType.PERMISSION, 3, false, false]);
            }
            expect(tr(cpu, VA, req(Regime.EL10, { acc: AccessType.READ, pan: true, cm: true })).e).not.toBeNull();
            if (x1) expect(tr(cpu, VA, req(Regime.EL10, { acc: AccessType.FETCH, pan: true })).e).not.toBeNull();
          });
        }
});

describe('hierarchical permissions (APTable, XNTable, PXNTable; TCR.HPD)', () => {
  const ALL1 = Perm.R1 | Perm.W1 | Perm.X1;
  const cases: [string, bigint, bigint, number][] = [
    // [name, leaf, table attrs, expected perm1]
    // APTable acts on data accesses only; the leaf's AP = 01 (EL0-writable) would make it
    // EL1 execute-never, but "writable at EL0" is judged after APTable
    // (AArch64.S1ComputePermissions), so EL1 may execute again.
    ['APTable = 01: no EL0 data access', ap(1), apTable(1), Perm.R1 | Perm.W1 | Perm.X1 | Perm.X0],
    ['APTable = 10: read-only', ap(1), apTable(2), Perm.R1 | Perm.R0 | Perm.X0 | Perm.X1],
    ['APTable = 11: EL1 read-only', ap(1), apTable(3), Perm.R1 | Perm.X1 | Perm.X0],
    ['XNTable: EL0 execute-never', ap(0), XN_TABLE, Perm.R1 | Perm.W1 | Perm.X1],
    ['PXNTable: EL1 execute-never', ap(0), PXN_TABLE, Perm.R1 | Perm.W1 | Perm.X0],
    ['no table attributes', ap(0), 0n, ALL1 | Perm.X0],
  ];
  for (const [name, leaf, ta, want] of cases) {
    it(name, () => {
      const { cpu } = setup(AF | leaf, ta);
      expect(tr(cpu, VA, req(Regime.EL10)).e!.perm1 & 63).toBe(want);
    });
  }

  it('TCR.HPD0 (FEAT_HPDS, max) disables all of them; cortex-a57 has no FEAT_HPDS: the bit is RES0', () => {
    const ta = apTable(3) | XN_TABLE | PXN_TABLE;
    const max = setup(AF | ap(0), ta, { t: tcr({ t0sz: 16, hpd0: true }) });
    expect(tr(max.cpu, VA, req(Regime.EL10)).e!.perm1 & 63).toBe(Perm.R1 | Perm.W1 | Perm.X1 | Perm.X0);
    const a57 = setup(AF | ap(0), ta, { model: 'cortex-a57', t: tcr({ t0sz: 16, hpd0: true }) });
    expect(tr(a57.cpu, VA, req(Regime.EL10)).e!.perm1 & 63).toBe(Perm.R1);
  });
});

describe('the Access flag', () => {
  it('AF = 0: Access flag fault at the leaf level, before a permission fault', () => {
    const { cpu } = setup(ap(0));
    expect(faultOf(tr(cpu, VA, req(Regime.EL10)))).toEqual([FaultType.ACCESS_FLAG, 3, false, false]);
    expect(faultOf(tr(cpu, VA, req(Regime.EL10, { priv: 0 })))).toEqual([FaultType.ACCESS_FLAG, 3, false, false]);
  });

  it('TCR.HA (FEAT_HAFDBS): the walk sets AF in the descriptor, but not for an access that faults', () => {
    const { cpu, a } = setup(ap(0), 0n, { t: tcr({ t0sz: 16, ha: true }) });
    expect(faultOf(tr(cpu, VA, req(Regime.EL10, { priv: 0 })))).toEqual([FaultType.PERMISSION, 3, false, false]);
    expect(rd64(cpu, a) & AF).toBe(0n);
    expect(tr(cpu, VA, req(Regime.EL10)).e!.pa).toBe(Number(PA));
    expect(rd64(cpu, a)).toBe(PA | ap(0) | AF | 3n);
  });

  it('an AT sets AF too', () => {
    const { cpu, a } = setup(ap(0), 0n, { t: tcr({ t0sz: 16, ha: true }) });
    expect(tr(cpu, VA, req(Regime.EL10, { at: true, s1Only: true })).e).not.toBeNull();
    expect(rd64(cpu, a) & AF).toBe(AF);
  });

  it('cortex-a57 has no FEAT_HAFDBS: TCR.HA is RES0, AF = 0 faults', () => {
    const { cpu } = setup(ap(0), 0n, { model: 'cortex-a57', t: tcr({ t0sz: 16, ha: true }) });
    expect(faultOf(tr(cpu, VA, req(Regime.EL10)))).toEqual([FaultType.ACCESS_FLAG, 3, false, false]);
  });
});

describe('dirty state (DBM with TCR.HD)', () => {
  const HAHD = tcr({ t0sz: 16, ha: true, hd: true });

  it('a read of a writable-clean page leaves it clean and the entry without W; a write makes it dirty', () => {
    const { cpu, a } = setup(AF | ap(2) | DBM, 0n, { t: HAHD });
    let { e } = tr(cpu, VA, req(Regime.EL10));
    expect(e!.perm1 & Perm.W1).toBe(0);
    expect(rd64(cpu, a)).toBe(PA | AF | ap(2) | DBM | 3n);
    // permits() denies the write on the cached entry: the caller walks again.
    const f = new MmuFault();
    expect(permits(e!, req(Regime.EL10, { acc: AccessType.WRITE }), f)).toBe(false);
    expect([f.type, f.level, f.stage2]).toEqual([FaultType.PERMISSION, 3, false]);
    ({ e } = tr(cpu, VA, req(Regime.EL10, { acc: AccessType.WRITE })));
    expect(e!.perm1 & Perm.W1).toBe(Perm.W1);
    expect(rd64(cpu, a)).toBe(PA | AF | ap(0) | DBM | 3n);
    expect(permits(e!, req(Regime.EL10, { acc: AccessType.WRITE }), f)).toBe(true);
  });

  it('writable-clean counts as writable for the other rules: AP = 11 with DBM is EL0-writable, so never EL1-executable', () => {
    const { cpu } = setup(AF | ap(3) | DBM, 0n, { t: HAHD });
    expect(tr(cpu, VA, req(Regime.EL10)).e!.perm1 & 63).toBe(Perm.R1 | Perm.R0 | Perm.X0);
  });

  it('an AT write succeeds without making the page dirty', () => {
    const { cpu, a } = setup(AF | ap(2) | DBM, 0n, { t: HAHD });
    const { e } = tr(cpu, VA, req(Regime.EL10, { acc: AccessType.WRITE, at: true, s1Only: true }));
    expect(e!.perm1 & Perm.W1).toBe(0);
    expect(rd64(cpu, a)).toBe(PA | AF | ap(2) | DBM | 3n);
  });

  it('without TCR.HD, or under APTable[1], DBM gives no write permission', () => {
    const noHd = setup(AF | ap(2) | DBM, 0n, { t: tcr({ t0sz: 16, ha: true }) });
    expect(faultOf(tr(noHd.cpu, VA, req(Regime.EL10, { acc: AccessType.WRITE })))).toEqual([FaultType.PERMISSION, 3, false, false]);
    const ro = setup(AF | ap(2) | DBM, apTable(2), { t: HAHD });
    expect(faultOf(tr(ro.cpu, VA, req(Regime.EL10, { acc: AccessType.WRITE })))).toEqual([FaultType.PERMISSION, 3, false, false]);
    expect(rd64(ro.cpu, ro.a)).toBe(PA | AF | ap(2) | DBM | 3n);
  });
});

describe('permits(): the check of a cached entry', () => {
  it('privilege, PAN and execute-never as the walk decided them', () => {
    const { cpu } = setup(AF | ap(1) | UXN);
    const e = tr(cpu, VA, req(Regime.EL10)).e!;
    const f = new MmuFault();
    expect(permits(e, req(Regime.EL10, { priv: 0, acc: AccessType.WRITE }), f)).toBe(true);
    expect(permits(e, req(Regime.EL10, { pan: true }), f)).toBe(false);
    expect([f.type, f.level, f.stage2]).toEqual([FaultType.PERMISSION, 3, false]);
    expect(permits(e, req(Regime.EL10, { priv: 0, acc: AccessType.FETCH }), f)).toBe(false);
    expect(permits(e, req(Regime.EL10, { acc: AccessType.FETCH }), f)).toBe(false); // EL0-writable: PXN
  });
});
