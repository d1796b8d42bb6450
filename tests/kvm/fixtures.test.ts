// The real KVM fixtures (tests/kvm/fixtures/): every trace parses and completed, was
// recorded from the guest build in the repository (recorded.json), and shows the guest
// behaving as designed (the reports checked below, each against the Arm ARM or the Linux
// KVM / PSCI / SMCCC behaviour named beside it). Then, for every fixture, a64emu's probe of
// the same guest must agree with it outside the allow-list (src/kvmcompat/allow.ts).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffTraces, formatDiff } from '../../src/kvmcompat/diff.js';
import { probe } from '../../src/kvmcompat/probe.js';
import { parseTrace, type KvmTrace } from '../../src/kvmcompat/trace.js';
import { ROOT } from '../helpers/a64emu.js';

const FIXTURES = join(ROOT, 'tests/kvm/fixtures');
/** `pmu`: recorded with the recorder's PMU_V3 variant (kvm-probe-pmu.patch, see recordedWith). */
interface Recorded { guest: string; guestSha256: string; cpu: string; pmu?: boolean; recordedWith: string }
/**
 * The runs that end in a KVM_RUN error rather than the guest's PSCI SYSTEM_OFF: an LDP from
 * MMIO has no valid syndrome (Linux 6.1 mmio.c io_mem_abort: -ENOSYS); PMU_V3 without its
 * KVM_ARM_VCPU_PMU_V3_CTRL set-up (pmu-emul.c kvm_arm_pmu_v3_enable: -EINVAL).
 */
const RUN_ERROR: Record<string, string> = {
  'kvm_mmio_hvc-cortex-a57.txt': 'ENOSYS', 'kvm_mmio_hvc-max.txt': 'ENOSYS',
  'guest-pmu-cortex-a57.txt': 'EINVAL', 'guest-pmu-max.txt': 'EINVAL',
};
const recorded = JSON.parse(readFileSync(join(FIXTURES, 'recorded.json'), 'utf8')) as Record<string, Recorded>;
const fixtureFiles = readdirSync(FIXTURES).filter((f) => f.endsWith('.txt')).sort();
const manifest = JSON.parse(readFileSync(join(ROOT, 'tests/images/manifest.json'), 'utf8')) as {
  images: Record<string, { kind: string; elf: string; elfSha256: string; cpus?: string[]; fixtures?: string[] }>;
};
const kvmImages = Object.entries(manifest.images).filter(([, e]) => e.kind === 'kvm');

const guestPath = (r: Recorded): string => join(ROOT, r.guest);
/**
 * The shared guest.bin lives in ../shared (beside the clone, as in CI): missing, the test is
 * skipped with the reason, or fails under CI=true (the rule of tests/helpers/tools.ts).
 */
function requireGuest(ctx: { skip: (note?: string) => void }, r: Recorded): void {
  if (existsSync(guestPath(r))) return;
  if (!r.guest.startsWith('../') || process.env.CI === 'true') expect.fail(`${r.guest} is missing`);
  ctx.skip(`${r.guest} is missing (the project's ../shared folder is not beside this clone)`);
}
const traceOf = (f: string): KvmTrace => parseTrace(readFileSync(join(FIXTURES, f), 'utf8'), f);
/** The values the guest reported: the data of its 64-bit MMIO writes to 0x09000000, in order. */
const reports = (t: KvmTrace): bigint[] =>
  t.exits.flatMap((e) => (e.kind === 'mmio-write' && e.addr === 0x9000000n && e.len === 8 ? [e.data] : []));

describe('the fixture files', () => {
  it('recorded.json names the guest of every fixture, and every entry has its file', () => {
    expect(Object.keys(recorded).sort()).toEqual(fixtureFiles);
  });

  it('every KVM guest image has its fixtures for each of its CPU models', () => {
    expect(kvmImages.map(([n]) => n).sort()).toEqual(['kvm/kvm_el0', 'kvm/kvm_excl', 'kvm/kvm_mmio_hvc', 'kvm/kvm_mmu', 'kvm/kvm_s1_sysreg', 'kvm/kvm_smccc_ids', 'kvm/kvm_traps']);
    for (const [name, e] of kvmImages) {
      expect(e.fixtures, name).toEqual(e.cpus!.map((cpu) => `tests/kvm/fixtures/${name.split('/')[1]}-${cpu}.txt`));
      for (const f of e.fixtures!) {
        const r = recorded[f.split('/').pop()!];
        expect(r, f).toBeDefined();
        // the fixture was recorded from the build in the manifest: re-record after a rebuild
        // (node scripts/images.mjs record-kvm)
        expect(r!.guestSha256, `${f} was recorded from another build of ${e.elf}`).toBe(e.elfSha256);
      }
    }
  });

  for (const f of fixtureFiles) {
    const runError = RUN_ERROR[f];
    it(`${f}: parses, completed, ${runError ? `KVM_RUN ended in ${runError}` : 'no error line, the run ended in SYSTEM_OFF'}`, (ctx) => {
      const r = recorded[f]!;
      requireGuest(ctx, r);
      const t = traceOf(f);
      expect(t.complete).toBe(true);
      expect(t.exits.length).toBeLessThan(200);
      if (runError) {
        expect(t.errors).toEqual([{ what: 'run', errno: runError }]);
      } else {
        expect(t.errors).toEqual([]);
        // the guest powered off (PSCI SYSTEM_OFF: KVM_SYSTEM_EVENT_SHUTDOWN = 1) before the
        // probe's limit of 200 exits
        expect(t.exits[t.exits.length - 1]).toEqual({ kind: 'system-event', type: 1 });
      }
      const bytes = readFileSync(guestPath(r));
      expect(t.guestBytes).toBe(bytes.length);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(r.guestSha256);
    });
  }
});

// Reports of our guests (tests/images/kvm/*/*.S) on both CPU models: [index (1-based),
// value, why]. Exceptions report ESR, ELR, SPSR (and FAR); ESR values per Arm ARM D17.2.37
// (ESR_EL1: EC in bits 31:26, IL bit 25, the ISS) and the fault status codes of the ISS.
type Expect = Array<[number, bigint, string]>;
const EXPECTED: Record<string, Expect> = {
  kvm_excl: [
    [1, 0x1111222233334444n, 'LDXR loads'],
    [2, 0n, 'STXR succeeds after LDXR (status 0)'],
    [3, 0x1111222233334445n, 'and stores'],
    [4, 1n, 'CLREX clears the monitor: STXR fails (B2.9)'],
    [5, 0x1111222233334445n, 'memory unchanged'],
    [6, 1n, 'no LDXR: the monitor is Open, STXR fails'],
    [8, 0n, 'LDAXR/STLXR succeed'],
    [11, 0n, 'STXRB'],
    [13, 0n, 'STXRH'],
    [15, 0n, 'STLXR W'],
    [19, 0n, 'STXP'],
    [20, 0x0123456789abcdefn, 'STXP stored the halves swapped'],
    [21, 0xaaaabbbbccccddddn, 'STXP stored the halves swapped'],
    [24, 0n, 'STLXP W'],
    [26, 1n, 'STXP after CLREX fails'],
    [30, 1n, 'an exit to the host between LDXR and STXR: the exception return clears the monitor (D1.11)'],
    [32, 10n, 'the LDXR/STXR increment loop ran ten times'],
    [33, 0x96000021n, 'LDXR X at an address not 8-aligned: Data Abort, Alignment fault (DFSC 0x21)'],
    [36, 0x40110004n, 'FAR is the address'],
    [37, 0x96000021n, 'LDAXRH at an odd address: Alignment fault'],
    [41, 0x96000021n, 'LDXP X at an address not 16-aligned: Alignment fault'],
    [45, 0x9600004fn, 'STXR to a read-only page after LDXR: Permission fault level 3, WnR (DFSC 0x0f, bit 6)'],
    [48, 0x40111000n, 'FAR'],
  ],
  kvm_mmu: [
    [1, 0x30d0181dn, 'SCTLR_EL1 as written: M, C, I, SA, SA0 and the RES1 bits'],
    [6, 0x0badcafen, 'a store through the 2 MiB block alias reads back through the identity map'],
    [9, 0x77n, 'the report page through another VA: the MMIO exit shows the IPA 0x9000000'],
    [11, 0xff00000040110b80n, 'AT S1E1R: PAR_EL1 ATTR 0xff (MAIR attr1), PA, SH = 0b11, NS, bit 11 RES1'],
    [13, 0x81fn, 'AT S1E1W on a read-only page: PAR_EL1.F = 1, FST = 0x0f (permission, level 3)'],
    [15, 0x80fn, 'AT on an invalid L3 entry: FST = 0x07 (translation, level 3)'],
    [16, 0x80bn, 'AT with an invalid L1 entry: FST = 0x05 (translation, level 1)'],
    [17, 0x96000007n, 'load from an invalid L3 entry: Translation fault, level 3'],
    [21, 0x96000045n, 'store with an invalid L1 entry: Translation fault, level 1, WnR'],
    [25, 0x96000004n, 'a VA above 2^39 with T0SZ = 25: Translation fault, level 0'],
    [29, 0x9600000bn, 'AF = 0: Access flag fault, level 3'],
    [34, 0x9600004fn, 'store to a read-only page: Permission fault, level 3, WnR'],
    [38, 0x8600000fn, 'BL to a PXN page: Instruction Abort (EC 0x21), Permission fault, level 3'],
    [39, 0x40001000n, 'ELR = the page'],
    [41, 0x40001000n, 'FAR = the page'],
    [42, 0x96000021n, 'SCTLR_EL1.A = 1: an unaligned load faults (Alignment fault)'],
    [47, 0x96000007n, 'a descriptor made invalid and the TLB invalidated: Translation fault'],
    [51, 0x5an, 'valid again after TLBI'],
    // Linux arch/arm64/kvm/mmu.c: a stage 1 walk that reaches an IPA with no memory slot is
    // reported back to the guest as an external abort (kvm_inject_dabt, inject_fault.c:
    // EC 0x25, IL, FSC 0x10, FAR the VA); ESR bits 63:32 as the file shows them
    [52, 0xffffffff96000010n, 'stage 1 table outside the memory slots: synchronous External abort injected by KVM'],
    [55, 0xc0000040n, 'FAR is the VA'],
    [56, 0x0badcafen, 'the MMU off again'],
  ],
  kvm_el0: [
    [6, 0x14n, 'DCZID_EL0: BS = 4 (64 bytes), DZP = 1 since SCTLR_EL1.DZE = 0'],
    [7, 0x56000012n, 'SVC #0x12 from EL0: EC 0x15, imm16'],
    [9, 0x3c0n, 'SPSR: EL0t, DAIF masked'],
    [10, 0x9200000fn, 'EL0 load from an EL1-only page: Data Abort from a lower EL (EC 0x24), Permission fault level 3'],
    [15, 0x9200004fn, 'EL0 store to a read-only page: Permission fault, WnR'],
    [19, 0x02000000n, 'MRS SCTLR_EL1 at EL0: UNDEFINED (EC 0x00, IL)'],
    [22, 0x02000000n, 'MSR VBAR_EL1 at EL0: UNDEFINED'],
    [25, 0x07e00000n, 'WFI with SCTLR_EL1.nTWI = 0: EC 0x01, CV = 1, COND = 0b1110, TI = 0'],
    [28, 0x6212dd28n, 'DC ZVA with DZE = 0: EC 0x18, ISS Op0 1 Op2 1 Op1 3 CRn 7 Rt 9 CRm 4, write'],
    [31, 0x6232c001n, 'MRS CTR_EL0 with UCT = 0: EC 0x18, ISS Op0 3 Op2 1 Op1 3 CRn 0 Rt 0 CRm 0, read'],
    [34, 0x6212dd36n, 'DC CVAU with UCI = 0: EC 0x18 (CRm 11)'],
    [37, 0x6212dd2an, 'IC IVAU with UCI = 0: EC 0x18 (CRm 5)'],
    [40, 0x6234f801n, 'MRS CNTVCT_EL0 with CNTKCTL_EL1.EL0VCTEN = 0: EC 0x18'],
    [43, 0x6230f801n, 'MRS CNTFRQ_EL0 with EL0PCTEN = EL0VCTEN = 0: EC 0x18'],
    [46, 0x1fe00000n, 'FMOV with CPACR_EL1.FPEN = 0b01 at EL0: EC 0x07, CV = 1, COND = 0b1110'],
    [49, 0x02000000n, 'HVC at EL0: UNDEFINED'],
    [52, 0x02000000n, 'SMC at EL0: UNDEFINED'],
    [55, 0x02000000n, 'ERET at EL0: UNDEFINED'],
    [58, 0xf2000021n, 'BRK #0x21: EC 0x3c'],
    [61, 0x92000021n, 'LDAXR at an unaligned address from EL0: Alignment fault'],
    [65, 0x92000005n, 'EL0 load with an invalid L1 entry: Translation fault, level 1'],
    [69, 0x8200000fn, 'BL to a UXN page at EL0: Instruction Abort from a lower EL (EC 0x20), Permission'],
    [73, 0x6232d005n, 'MRS DAIF at EL0 with SCTLR_EL1.UMA = 0: EC 0x18 (S3_3_C4_C2_1), read'],
    [77, 0x560000ffn, 'SVC #0xff ends the EL0 part'],
    [80, 0x4n, 'CurrentEL: back at EL1'],
    [81, 1n, 'SPSel: the handler runs on SP_EL1'],
  ],
  kvm_traps: [
    [1, 0x88n, 'LDRB of the probe answer 0x1122334455667788: its low byte'],
    [2, 0x7788n, 'LDRH'],
    [3, 0x7788n, 'LDRSH X of 0x7788 (positive)'],
    [4, 0x55667788n, 'LDR W'],
    [5, 0x55667788n, 'LDRSW of 0x55667788 (positive)'],
    [6, 0x1122334455667788n, 'LDR X (register offset)'],
    [7, 0x10001n, 'PSCI_VERSION: 1.1 (Linux 6.1 psci.c, KVM_ARM_PSCI_LATEST)'],
    [8, 0n, 'PSCI_FEATURES(SYSTEM_OFF): SUCCESS'],
    [9, 0n, 'PSCI_FEATURES(CPU_ON): SUCCESS'],
    [10, 0xffffffffffffffffn, 'PSCI_FEATURES(unknown): NOT_SUPPORTED (-1)'],
    [11, 2n, 'MIGRATE_INFO_TYPE: 2, no Trusted OS to migrate'],
    [12, 0n, 'AFFINITY_INFO(this CPU): ON'],
    [13, 0xfffffffffffffffen, 'AFFINITY_INFO(no such CPU): INVALID_PARAMETERS (-2)'],
    [14, 0xfffffffffffffffcn, 'CPU_ON(this CPU): ALREADY_ON (-4)'],
    [15, 0xfffffffffffffffen, 'CPU_ON(no such CPU): INVALID_PARAMETERS'],
    [16, 0xffffffffffffffffn, 'an unknown PSCI function: NOT_SUPPORTED'],
    [17, 0x10001n, 'SMCCC_VERSION: 1.1'],
    [22, 0x10000n, 'TRNG_VERSION: 1.0'],
    [23, 0xffffffffffffffffn, 'an OEM service call: NOT_SUPPORTED'],
    [24, 0n, 'x1 after a call: KVM writes x0-x3 (smccc_set_retval)'],
    [25, 0n, 'x2'],
    [26, 0n, 'x3'],
    [27, 0x10001n, 'HVC #0x55: KVM ignores the immediate, a PSCI_VERSION call all the same'],
    [28, 0xffffffffffffffffn, 'SMC: KVM 6.1 handle_smc answers -1 and skips it'],
    [30, 0x80000000n, 'MPIDR_EL1 of vCPU 0: Aff0 = 0, bit 31 RES1 (KVM reset_mpidr)'],
    [47, 0x8n, 'OSLSR_EL1: OSLM = 0b10, OSLK = 0 (KVM 6.1 reset value)'],
    [48, 0xan, 'OSLAR_EL1 = 1 sets OSLSR_EL1.OSLK'],
    [49, 0x8n, 'OSLAR_EL1 = 0 clears it'],
    [53, 0x5e7n, 'DC CISW/CSW/ISW complete (KVM traps set/way operations and performs them)'],
    [54, 0x02000000n, 'MRS PMCR_EL0 without KVM_ARM_VCPU_PMU_V3: UNDEFINED (KVM injects it)'],
    [57, 0x02000000n, 'MRS PMCCNTR_EL0: UNDEFINED'],
    [60, 0x02000000n, 'MSR PMSELR_EL0: UNDEFINED'],
    [63, 0n, 'CPACR_EL1 resets to 0 under KVM'],
    [64, 0x1fe00000n, 'FMOV at EL1 with CPACR_EL1.FPEN = 0: EC 0x07'],
    // arch/arm64/kvm/mmu.c: an instruction fetch from an IPA with no memory slot is turned
    // into a Prefetch Abort for the guest (kvm_inject_pabt: EC 0x21, IL, FSC 0x10)
    [67, 0xffffffff86000010n, 'fetch from IPA 0x0a000000: Instruction Abort, external, injected by KVM'],
    [68, 0x0a000000n, 'ELR = the address fetched'],
    [70, 0x0a000000n, 'FAR = the address fetched'],
    [71, 0xd0en, 'the handler returned to x30'],
  ],
};

describe('the guests behaved as designed (their reports in the fixtures)', () => {
  for (const [guest, expected] of Object.entries(EXPECTED)) {
    for (const cpu of ['cortex-a57', 'max']) {
      it(`${guest}-${cpu}.txt`, () => {
        const r = reports(traceOf(`${guest}-${cpu}.txt`));
        for (const [at, value, why] of expected) {
          expect(r[at - 1], `report ${at}: ${why}`).toBe(value);
        }
      });
    }
  }
});

describe('a64emu kvm probe agrees with every fixture outside the allow-list', () => {
  for (const f of fixtureFiles) {
    it(f, (ctx) => {
      const r = recorded[f]!;
      requireGuest(ctx, r);
      const real = traceOf(f);
      const ours = parseTrace(probe(new Uint8Array(readFileSync(guestPath(r))), { cpu: r.cpu, pmu: r.pmu }), `probe of ${r.guest}`);
      const d = diffTraces(real, ours, { cpu: r.cpu });
      expect(d.counted, `${f} against a64emu kvm probe --cpu ${r.cpu} ${r.guest}:\n${formatDiff(d)}`).toBe(0);
    });
  }
});
