#!/usr/bin/env node
// Guest test images: build, check and record.
//
//   node scripts/images.mjs build [name...]   (npm run images) rebuild images with Debian's
//                                             aarch64-linux-gnu- toolchain, write each ELF beside
//                                             its source and update tests/images/manifest.json
//   node scripts/images.mjs check [--json]    verify manifest.json against the current sources
//                                             (and the ELFs against their recorded hashes)
//   node scripts/images.mjs record [name...]  run each image on qemu-system-aarch64 and write
//                                             tests/images/<name>/<name>.expected.json
//   node scripts/images.mjs record-kvm [name...] [--cpu NAME]
//                                             record each KVM guest (kind 'kvm') on the real
//                                             Linux KVM with ../shared/kvm/record.sh, for each
//                                             of its CPU models, into tests/kvm/fixtures/
//   node scripts/images.mjs record-kvm --shared [--cpu NAME]
//                                             the same for the fixtures of the recorder's own
//                                             ../shared/kvm/guest.bin (KVM_SHARED_FIXTURES)
//   node scripts/images.mjs list              print the image names
//
// The image table below is the single source of truth: names, sources, flags, CPU model,
// time limits.  tests/guest/images.test.ts reads manifest.json and runs `check --json`.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const IMAGES_DIR = 'tests/images';
const LIB = `${IMAGES_DIR}/lib`;
const MANIFEST = `${IMAGES_DIR}/manifest.json`;
const CROSS = process.env.CROSS ?? 'aarch64-linux-gnu-';
const QEMU = process.env.QEMU ?? 'qemu-system-aarch64';
const TOOLCHAIN_INSTALL = 'apt-get install gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu';
const QEMU_INSTALL = 'apt-get install qemu-system-arm';

// Flags shared by every image (assembly and C).  Everything that changes the output
// of a build belongs in these lists: they are hashed into the manifest.
const COMMON_FLAGS = [
  '-nostdlib', '-static', '-no-pie', '-ffreestanding', '-fno-pic', '-fno-pie',
  '-Wl,--build-id=none', '-Wl,--no-warn-rwx-segments', '-Wl,-z,max-page-size=4096', '-Wa,--fatal-warnings',
  `-I${LIB}`, `-T${LIB}/link.ld`,
];
const C_FLAGS = [
  '-O2', '-fno-builtin', '-mgeneral-regs-only', '-mstrict-align', '-fno-stack-protector',
  '-fno-asynchronous-unwind-tables', '-Wall', '-Werror',
];
const ASM_LIB = [`${LIB}/rt.S`, `${LIB}/a64test.inc`, `${LIB}/link.ld`];
// The KVM guests (kind 'kvm'): raw binaries loaded by kvm-probe at IPA 0x40000000, with
// their own include and linker script and no runtime (no UART, no semihosting).
const KVM_LIB_DIR = `${IMAGES_DIR}/kvm`;
const KVM_LIB = [`${KVM_LIB_DIR}/kvm.inc`, `${KVM_LIB_DIR}/link.ld`];
const KVM_FIXTURES = 'tests/kvm/fixtures';
// which guest build each fixture was recorded from (tests/kvm/fixtures.test.ts checks it)
const KVM_RECORDED = `${KVM_FIXTURES}/recorded.json`;
const KVM_RECORD = process.env.KVM_RECORD ?? join(ROOT, '..', 'shared', 'kvm', 'record.sh');
const C_LIB = [`${LIB}/rt.S`, `${LIB}/rt.h`, `${LIB}/cmem.c`, `${LIB}/link.ld`];

/**
 * kind: 'asm' | 'c'; cpu: QEMU/a64emu CPU model the image is run (and recorded) with;
 * march: -march for the build; timeoutMs: limit for one QEMU run; emuTimeoutMs: limit for
 * one a64emu run in the tests.
 * Optional start mode (default EL1, QEMU `-M virt`): el 2 = `virt,virtualization=on`
 * (a64emu --el 2), el 3 = `virt,secure=on` (--el 3), el 3 with el2 = `virt,secure=on,
 * virtualization=on` (--el 3 --virtualization).  Optional dir: the source folder when
 * several images are built from one source (default: the image's name); defines: extra
 * -D flags for that build.
 */
export const IMAGES = [
  { name: 'dp_imm', kind: 'asm', cpu: 'cortex-a57', march: 'armv8-a', timeoutMs: 30_000, emuTimeoutMs: 120_000 },
  { name: 'dp_reg', kind: 'asm', cpu: 'cortex-a57', march: 'armv8-a+crc', timeoutMs: 30_000, emuTimeoutMs: 120_000 },
  { name: 'branch', kind: 'asm', cpu: 'cortex-a57', march: 'armv8-a', timeoutMs: 30_000, emuTimeoutMs: 120_000 },
  { name: 'ldst', kind: 'asm', cpu: 'cortex-a57', march: 'armv8-a', timeoutMs: 30_000, emuTimeoutMs: 120_000 },
  { name: 'atomic', kind: 'asm', cpu: 'max', march: 'armv8.1-a', timeoutMs: 30_000, emuTimeoutMs: 120_000 },
  { name: 'system', kind: 'asm', cpu: 'cortex-a57', march: 'armv8-a', timeoutMs: 30_000, emuTimeoutMs: 120_000 },
  { name: 'demo', kind: 'asm', cpu: 'cortex-a57', march: 'armv8-a', timeoutMs: 30_000, emuTimeoutMs: 60_000 },
  { name: 'bench/strhash', kind: 'c', cpu: 'cortex-a57', march: 'armv8-a', timeoutMs: 120_000, emuTimeoutMs: 900_000 },
  { name: 'bench/listsort', kind: 'c', cpu: 'cortex-a57', march: 'armv8-a', timeoutMs: 120_000, emuTimeoutMs: 900_000 },
  { name: 'bench/interp', kind: 'c', cpu: 'cortex-a57', march: 'armv8-a', timeoutMs: 120_000, emuTimeoutMs: 900_000 },
  { name: 'bench/vecfp', kind: 'asm', cpu: 'cortex-a57', march: 'armv8-a', timeoutMs: 120_000, emuTimeoutMs: 900_000 },
  ...[[1, false], [2, false], [3, false], [3, true]].map(([el, el2]) => ({
    name: `exc_el${el}${el2 ? 'el2' : ''}`, dir: 'exc', defines: [`-DSTART_EL=${el}`, `-DHAS_EL2=${el === 2 || el2 ? 1 : 0}`],
    kind: 'asm', cpu: 'cortex-a57', march: 'armv8-a', el, el2, timeoutMs: 30_000, emuTimeoutMs: 60_000,
  })),
  // MMU guests (mmu/mmu.S), compared with a64emu by tests/machine/mmu-guests.test.ts
  ...[['mmu_el1', 1, false, 'cortex-a57'], ['mmu_el1_max', 1, false, 'max'], ['mmu_el2', 2, false, 'cortex-a57'], ['mmu_el2_max', 2, false, 'max'], ['mmu_el3', 3, false, 'cortex-a57'],
    ['mmu_el3el2', 3, true, 'cortex-a57']]
    .map(([name, el, el2, cpu]) => ({
      name, dir: 'mmu', defines: [`-DSTART_EL=${el}`, `-DHAS_EL2=${el === 2 || el2 ? 1 : 0}`, `-DMAX=${cpu === 'max' ? 1 : 0}`],
      kind: 'asm', cpu, march: cpu === 'max' ? 'armv8.2-a' : 'armv8-a', el, el2, timeoutMs: 30_000, emuTimeoutMs: 60_000,
    })),
  // KVM guests (kvm/<name>/<name>.S -> <name>.bin), recorded on the real Linux KVM for each
  // of `cpus` (record-kvm) into tests/kvm/fixtures/<name>-<cpu>.txt; not run on the board.
  // `runError`: the trace's expected last KVM_RUN error, if the guest ends in one (kvm_mmio_hvc's
  // LDP from MMIO has no valid syndrome: KVM_RUN fails with ENOSYS).
  ...[['kvm_mmu'], ['kvm_el0'], ['kvm_traps'], ['kvm_excl'], ['kvm_mmio_hvc', 'run ENOSYS'], ['kvm_s1_sysreg'], ['kvm_smccc_ids']].map(([n, runError]) => ({
    name: `kvm/${n}`, kind: 'kvm', cpu: 'cortex-a57', cpus: ['cortex-a57', 'max'], march: 'armv8-a', runError,
  })),
];

const SOURCE_RE = /\.(S|s|c|h|inc)$/;
const COMPILED_RE = /\.(S|s|c)$/;

function imageDir(img) { return `${IMAGES_DIR}/${img.dir ?? img.name}`; }
function elfPath(img) { return `${imageDir(img)}/${basename(img.name)}.${img.kind === 'kvm' ? 'bin' : 'elf'}`; }
/** The real-KVM traces of a KVM guest, one per CPU model. */
function kvmFixtures(img) { return img.cpus.map((cpu) => ({ cpu, path: `${KVM_FIXTURES}/${basename(img.name)}-${cpu}.txt` })); }
function expectedPath(img) { return `${imageDir(img)}/${basename(img.name)}.expected.json`; }

function imageSources(img) {
  const dir = imageDir(img);
  if (!existsSync(join(ROOT, dir))) throw new Error(`${img.name}: missing source folder ${dir}`);
  return readdirSync(join(ROOT, dir)).filter((f) => SOURCE_RE.test(f)).sort().map((f) => `${dir}/${f}`);
}

function flagsFor(img) {
  if (img.kind === 'kvm') {
    return [...COMMON_FLAGS.filter((f) => !/^-[IT]/.test(f)), `-I${KVM_LIB_DIR}`, `-T${KVM_LIB_DIR}/link.ld`, `-march=${img.march}`];
  }
  return [...COMMON_FLAGS, `-march=${img.march}`, ...(img.kind === 'c' ? C_FLAGS : []), ...(img.defines ?? [])];
}

function inputsFor(img) {
  const lib = img.kind === 'c' ? C_LIB : img.kind === 'kvm' ? KVM_LIB : ASM_LIB;
  return [...lib, ...imageSources(img)];
}

function sha256(buf) { return createHash('sha256').update(buf).digest('hex'); }

/** The start mode as the manifest and recordings hold it: {} for EL1 (keeps older hashes). */
function modeOf(img) {
  if (!img.el || img.el === 1) return {};
  return img.el2 && img.el === 3 ? { el: 3, el2: true } : { el: img.el };
}

/** a64emu `run` options for the mode (the same as QEMU's machine options, see qemuArgv). */
export function emuModeArgs(mode) {
  if (!mode.el || mode.el === 1) return [];
  return ['--el', String(mode.el), ...(mode.el2 ? ['--virtualization'] : [])];
}

/** sha256 over (path, content) of every input file plus the build flags, cpu and start mode. */
function inputsHash(img) {
  const h = createHash('sha256');
  h.update(JSON.stringify({ flags: flagsFor(img), kind: img.kind, cpu: img.cpu, ...modeOf(img), ...(img.cpus ? { cpus: img.cpus } : {}) }));
  for (const f of inputsFor(img)) {
    h.update(`\0${f}\0`);
    h.update(readFileSync(join(ROOT, f)));
  }
  return h.digest('hex');
}

function readManifest() {
  const p = join(ROOT, MANIFEST);
  if (!existsSync(p)) return { images: {} };
  return JSON.parse(readFileSync(p, 'utf8'));
}

function selectImages(names) {
  if (names.length === 0) return IMAGES;
  return names.map((n) => {
    const img = IMAGES.find((i) => i.name === n);
    if (!img) throw new Error(`unknown image ${n} (known: ${IMAGES.map((i) => i.name).join(', ')})`);
    return img;
  });
}

function toolVersion(cmd) {
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  return r.stdout.split('\n')[0].trim();
}

// ---------------------------------------------------------------------------------------
function build(names) {
  const gcc = `${CROSS}gcc`;
  const version = toolVersion(gcc);
  if (!version) {
    console.error(`error: ${gcc} not found. Install the Debian cross toolchain:\n  ${TOOLCHAIN_INSTALL}`);
    process.exit(2);
  }
  const manifest = readManifest();
  const images = { ...(manifest.images ?? {}) };
  for (const img of selectImages(names)) {
    const out = elfPath(img);
    const sources = inputsFor(img).filter((f) => COMPILED_RE.test(f));
    // Compile each source to an object with a fixed name, then link with those names: the
    // linker records object names in STT_FILE symbols, and gcc's one-step temporary names
    // (/tmp/ccXXXXXX.o) would make the ELF differ from build to build.
    const tmp = mkdtempSync(join(tmpdir(), 'a64emu-images-'));
    try {
      const objs = [];
      const steps = [];
      for (const src of sources) {
        const obj = `${basename(src).replace(/\.[^.]+$/, '')}.o`;
        if (objs.includes(obj)) throw new Error(`${img.name}: two sources compile to ${obj}`);
        objs.push(obj);
        // compile in the repository (source paths in the objects stay relative) ...
        steps.push({ cwd: ROOT, argv: [...flagsFor(img), '-c', src, '-o', join(tmp, obj)] });
      }
      // ... and link in the temporary folder, by bare object names
      const linked = img.kind === 'kvm' ? join(tmp, 'guest.elf') : join(ROOT, out);
      steps.push({ cwd: tmp, argv: [...flagsFor(img), ...objs, '-o', linked].map((a) => a.replace(/^(-I|-T)(?!\/)/, (m) => m + ROOT + '/')) });
      // a KVM guest is the raw image kvm-probe loads
      if (img.kind === 'kvm') steps.push({ cwd: tmp, tool: `${CROSS}objcopy`, argv: ['-O', 'binary', linked, join(ROOT, out)] });
      for (const step of steps) {
        const argv = step.argv;
        const r = spawnSync(step.tool ?? gcc, argv, { cwd: step.cwd, encoding: 'utf8' });
        if (r.status !== 0) {
          console.error(`error: building ${img.name} failed:\n  ${gcc} ${argv.join(' ')}\n${r.stderr}${r.stdout}`);
          process.exit(1);
        }
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    const elf = readFileSync(join(ROOT, out));
    images[img.name] = {
      kind: img.kind,
      cpu: img.cpu,
      ...modeOf(img),
      elf: out,
      ...(img.kind === 'kvm'
        ? { cpus: img.cpus, fixtures: kvmFixtures(img).map((f) => f.path) }
        : { expected: expectedPath(img), timeoutMs: img.timeoutMs, emuTimeoutMs: img.emuTimeoutMs }),
      inputs: inputsFor(img),
      flags: flagsFor(img),
      sha256: inputsHash(img),
      elfSha256: sha256(elf),
    };
    console.log(`built ${out} (${elf.length} bytes)`);
  }
  // keep only images that still exist in the table, in table order
  const ordered = {};
  for (const img of IMAGES) if (images[img.name]) ordered[img.name] = images[img.name];
  const doc = {
    comment: 'Generated by `npm run images` (node scripts/images.mjs build). sha256 covers every input file (path and content), the build flags and the CPU model; check with `node scripts/images.mjs check`.',
    toolchain: version,
    images: ordered,
  };
  writeFileSync(join(ROOT, MANIFEST), JSON.stringify(doc, null, 2) + '\n');
  console.log(`wrote ${MANIFEST}`);
}

// ---------------------------------------------------------------------------------------
/** Returns { ok, images: { name: { ok, problems[] } } } */
function checkAll() {
  const manifest = readManifest();
  const result = { ok: true, images: {} };
  for (const img of IMAGES) {
    const problems = [];
    const entry = manifest.images?.[img.name];
    if (!entry) {
      problems.push('not in manifest.json');
    } else {
      let hash = null;
      try { hash = inputsHash(img); } catch (e) { problems.push(String(e.message ?? e)); }
      if (hash && hash !== entry.sha256) {
        const listed = new Set(entry.inputs ?? []);
        const now = inputsFor(img);
        const added = now.filter((f) => !listed.has(f));
        const removed = [...listed].filter((f) => !now.includes(f));
        let what = 'sources changed since the last build';
        if (added.length) what += `; new inputs: ${added.join(', ')}`;
        if (removed.length) what += `; removed inputs: ${removed.join(', ')}`;
        problems.push(what);
      }
      const elf = join(ROOT, elfPath(img));
      if (!existsSync(elf)) problems.push(`${elfPath(img)} is missing`);
      else if (sha256(readFileSync(elf)) !== entry.elfSha256) problems.push(`${elfPath(img)} differs from the one the manifest recorded`);
    }
    result.images[img.name] = { ok: problems.length === 0, problems };
  }
  for (const name of Object.keys(manifest.images ?? {})) {
    if (!IMAGES.some((i) => i.name === name)) result.images[name] = { ok: false, problems: ['in manifest.json but no longer in scripts/images.mjs'] };
  }
  for (const v of Object.values(result.images)) if (!v.ok) result.ok = false;
  return result;
}

function check(args) {
  const result = checkAll();
  if (args.includes('--json')) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    for (const [name, r] of Object.entries(result.images)) {
      console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${name}${r.ok ? '' : ': ' + r.problems.join('; ') + ' -- rebuild with npm run images'}`);
    }
  }
  process.exit(result.ok ? 0 : 1);
}

// ---------------------------------------------------------------------------------------
/** QEMU's machine for a start mode: the same boards as src/debug/qemu.ts qemuBoardArgs. */
function qemuMachine(mode) {
  if (mode.el === 2) return 'virt,virtualization=on';
  if (mode.el === 3) return mode.el2 ? 'virt,secure=on,virtualization=on' : 'virt,secure=on';
  return 'virt';
}

export function qemuArgv(cpu, elf, mode = {}) {
  return ['-M', qemuMachine(mode), '-cpu', cpu, '-m', '512', '-display', 'none', '-serial', 'stdio',
    '-monitor', 'none', '-semihosting', '-no-reboot', '-kernel', elf];
}

function record(names) {
  const version = toolVersion(QEMU);
  if (!version) {
    console.error(`error: ${QEMU} not found. Install it with:\n  ${QEMU_INSTALL}`);
    process.exit(2);
  }
  const check = checkAll();
  let failed = false;
  for (const img of selectImages(names)) {
    if (img.kind === 'kvm') {
      if (names.length) console.warn(`${img.name}: a KVM guest, recorded by record-kvm, not on the board`);
      continue;
    }
    if (!check.images[img.name].ok) {
      console.error(`error: ${img.name}: ${check.images[img.name].problems.join('; ')} -- rebuild with npm run images first`);
      failed = true;
      continue;
    }
    const elf = elfPath(img);
    const argv = qemuArgv(img.cpu, elf, modeOf(img));
    const t0 = Date.now();
    const r = spawnSync(QEMU, argv, {
      cwd: ROOT, encoding: 'utf8', timeout: img.timeoutMs, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20,
    });
    const ms = Date.now() - t0;
    if (r.error || r.signal || r.status === null) {
      console.error(`error: ${img.name}: QEMU did not finish (${r.error?.message ?? r.signal}) after ${ms} ms; not recorded`);
      failed = true;
      continue;
    }
    if (r.stderr.trim()) console.warn(`warning: ${img.name}: QEMU stderr: ${r.stderr.trim()}`);
    const doc = {
      comment: `Recorded from QEMU by \`node scripts/images.mjs record ${img.name}\`; compared byte for byte by tests/guest/images.test.ts.`,
      image: elf,
      elfSha256: sha256(readFileSync(join(ROOT, elf))),
      cpu: img.cpu,
      ...modeOf(img),
      emuArgs: ['--cpu', img.cpu, ...emuModeArgs(modeOf(img))],
      qemuCommand: [QEMU, ...argv].join(' '),
      qemuArgv: [QEMU, ...argv],
      qemuVersion: version,
      exitCode: r.status,
      uart: r.stdout,
    };
    writeFileSync(join(ROOT, expectedPath(img)), JSON.stringify(doc, null, 2) + '\n');
    const lines = r.stdout.split('\n').length - (r.stdout.endsWith('\n') ? 1 : 0);
    console.log(`recorded ${expectedPath(img)}: exit ${r.status}, ${lines} lines, ${ms} ms`);
    if (r.status !== 0) console.warn(`warning: ${img.name} exited with status ${r.status}`);
  }
  if (failed) process.exit(1);
}

// ---------------------------------------------------------------------------------------
// The fixtures of the recorder's example guest (guest-cortex-a57.txt is the copy shipped as
// ../shared/kvm/trace-cortex-a57.txt and is not re-recorded). `pmu`: recorded with the
// recorder patched by tests/kvm/fixtures/kvm-probe-pmu.patch (KVM_ARM_VCPU_PMU_V3 when the
// kernel command line has `pmu`) in a temporary copy; KVM_RUN then fails with EINVAL.
const KVM_SHARED_GUEST = '../shared/kvm/guest.bin';
const KVM_PMU_PATCH = `${KVM_FIXTURES}/kvm-probe-pmu.patch`;
const KVM_SHARED_FIXTURES = [
  { file: 'guest-cortex-a57-run2.txt', cpu: 'cortex-a57' },
  { file: 'guest-max.txt', cpu: 'max' },
  { file: 'guest-cortex-a72.txt', cpu: 'cortex-a72' },
  { file: 'guest-pmu-cortex-a57.txt', cpu: 'cortex-a57', pmu: true, runError: 'run EINVAL' },
  { file: 'guest-pmu-max.txt', cpu: 'max', pmu: true, runError: 'run EINVAL' },
];

/**
 * Records one real-KVM trace of `guest` into `path` and its entry in recorded.json; false
 * when record.sh failed or the trace has an error line other than `runError`.
 */
function recordKvmFixture(guest, path, cpu, { runError, pmu } = {}) {
  let script = KVM_RECORD;
  let tmp;
  if (pmu) {
    tmp = mkdtempSync(join(tmpdir(), 'a64emu-kvm-pmu-'));
    for (const f of ['record.sh', 'kvm-probe.c']) writeFileSync(join(tmp, f), readFileSync(join(dirname(KVM_RECORD), f)));
    const p = spawnSync('patch', ['-s', '-d', tmp, 'kvm-probe.c', '-i', join(ROOT, KVM_PMU_PATCH)], { encoding: 'utf8' });
    if (p.status !== 0) {
      console.error(`error: ${KVM_PMU_PATCH} does not apply to ${dirname(KVM_RECORD)}/kvm-probe.c:\n${p.stderr}${p.stdout}`);
      rmSync(tmp, { recursive: true, force: true });
      return false;
    }
    script = join(tmp, 'record.sh');
  }
  let r;
  try {
    r = spawnSync('sh', [script, join(ROOT, guest), join(ROOT, path), cpu, ...(pmu ? ['pmu'] : [])], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
  let text = existsSync(join(ROOT, path)) ? readFileSync(join(ROOT, path), 'utf8') : '';
  // the host kernel's console lines ("[    1.04] kvm [1]: ...") are not the probe's output
  const hostLine = /^\[ *\d+\.\d+\] /;
  if (text.split('\n').some((l) => hostLine.test(l))) {
    text = text.split('\n').filter((l) => !hostLine.test(l)).join('\n');
    writeFileSync(join(ROOT, path), text);
  }
  const errors = text.split('\n').filter((l) => l.startsWith('error ') && l !== `error ${runError}`);
  if (r.status !== 0 || !text.endsWith('# end\n') || errors.length) {
    console.error(`error: ${path}: record.sh exit ${r.status}${errors.length ? `; ${errors.join('; ')}` : ''}\n${r.stderr}`);
    return false;
  }
  const recordedPath = join(ROOT, KVM_RECORDED);
  const recorded = existsSync(recordedPath) ? JSON.parse(readFileSync(recordedPath, 'utf8')) : {};
  const how = pmu
    ? `node scripts/images.mjs record-kvm --shared: ../shared/kvm/record.sh with ${KVM_PMU_PATCH} applied in a temporary copy, run as record.sh ${guest} ${path} ${cpu} pmu`
    : `../shared/kvm/record.sh ${guest} ${path} ${cpu}`;
  recorded[basename(path)] = { guest, guestSha256: sha256(readFileSync(join(ROOT, guest))), cpu, ...(pmu ? { pmu: true } : {}), recordedWith: how };
  const sorted = Object.fromEntries(Object.keys(recorded).sort().map((k) => [k, recorded[k]]));
  writeFileSync(recordedPath, JSON.stringify(sorted, null, 2) + '\n');
  const exits = text.split('\n').filter((l) => l.startsWith('exit '));
  console.log(`recorded ${path}: ${exits.length} exits${exits.length ? `, last: ${exits[exits.length - 1]}` : ''}${runError ? ` (${runError})` : ''}`);
  return true;
}

/** Records the KVM guests on the real Linux KVM (../shared/kvm/record.sh, a few seconds each). */
function recordKvm(args) {
  const cpuAt = args.indexOf('--cpu');
  const onlyCpu = cpuAt >= 0 ? args[cpuAt + 1] : undefined;
  const names = args.filter((a, i) => a !== '--shared' && (cpuAt < 0 || (i !== cpuAt && i !== cpuAt + 1)));
  if (!existsSync(KVM_RECORD)) {
    console.error(`error: ${KVM_RECORD} not found (set KVM_RECORD to ../shared/kvm/record.sh)`);
    process.exit(2);
  }
  if (args.includes('--shared')) {
    let failed = false;
    for (const f of KVM_SHARED_FIXTURES) {
      if (onlyCpu && f.cpu !== onlyCpu) continue;
      if (!recordKvmFixture(KVM_SHARED_GUEST, `${KVM_FIXTURES}/${f.file}`, f.cpu, f)) failed = true;
    }
    if (failed) process.exit(1);
    return;
  }
  const check = checkAll();
  const images = (names.length ? selectImages(names) : IMAGES).filter((i) => i.kind === 'kvm');
  let failed = false;
  for (const img of images) {
    if (!check.images[img.name].ok) {
      console.error(`error: ${img.name}: ${check.images[img.name].problems.join('; ')} -- rebuild with npm run images first`);
      failed = true;
      continue;
    }
    for (const { cpu, path } of kvmFixtures(img)) {
      if (onlyCpu && cpu !== onlyCpu) continue;
      if (!recordKvmFixture(elfPath(img), path, cpu, { runError: img.runError })) failed = true;
    }
  }
  if (failed) process.exit(1);
}

// ---------------------------------------------------------------------------------------
const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const [cmd, ...rest] = process.argv.slice(2);
  try {
    switch (cmd) {
      case 'build': build(rest); break;
      case 'check': check(rest); break;
      case 'record': record(rest); break;
      case 'record-kvm': recordKvm(rest); break;
      case 'list': for (const i of IMAGES) console.log(i.name); break;
      default:
        console.error('usage: node scripts/images.mjs build [name...] | check [--json] | record [name...] | record-kvm [name...] [--cpu NAME] | record-kvm --shared [--cpu NAME] | list');
        process.exit(2);
    }
  } catch (e) {
    console.error(`error: ${e.message ?? e}`);
    process.exit(1);
  }
}
