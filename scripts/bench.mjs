#!/usr/bin/env node
// `npm run bench [-- [--runs N] [--timeout SECONDS] [--no-qemu] IMAGE...]`
//
// Runs each bare-metal image on a64emu (the bundle, `run --stats`) and on QEMU
// (qemu-system-aarch64 -M virt -cpu cortex-a57 -m 1024 -nographic -semihosting -kernel IMAGE)
// in turn, N times each, and prints a table: the instruction count (from a64emu's --stats;
// QEMU runs the same program), best and median wall time of each (process start-up
// included, for both), MIPS (that instruction count over the wall time), and the ratio of
// the best times. It also checks that both print the same `checksum` lines.
//
// Default images: tests/images/bench/**/*.elf, or if there are none ../shared/workloads/*.elf.
// Absolute times drift on shared machines; the ratio from one interleaved run is the figure.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const QEMU = 'qemu-system-aarch64';
const qemuArgs = (image) => ['-M', 'virt', '-cpu', 'cortex-a57', '-m', '1024', '-nographic', '-semihosting', '-kernel', image];
const emuArgs = (image) => [join(root, 'dist', 'a64emu.mjs'), 'run', '--stats', '--memory', '1G', image];

function usage(code) {
  const text = `Usage: npm run bench -- [--runs N] [--timeout SECONDS] [--no-qemu] [IMAGE...]

Runs each IMAGE on a64emu and on QEMU N times (default 3) and compares them.
Default images: tests/images/bench/**/*.elf, else ../shared/workloads/*.elf.
`;
  (code ? process.stderr : process.stdout).write(text);
  process.exit(code);
}

function parseArgs(argv) {
  const o = { runs: 3, timeout: 300, qemu: true, images: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const eq = a.indexOf('=');
      const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) {
        process.stderr.write(`bench: ${a} needs a value\n`);
        usage(2);
      }
      return v;
    };
    if (a === '-h' || a === '--help') usage(0);
    else if (a === '--runs' || a.startsWith('--runs=')) o.runs = Number(value());
    else if (a === '--timeout' || a.startsWith('--timeout=')) o.timeout = Number(value());
    else if (a === '--no-qemu') o.qemu = false;
    else if (a.startsWith('-')) {
      process.stderr.write(`bench: unknown option ${a}\n`);
      usage(2);
    } else o.images.push(resolve(a));
  }
  if (!Number.isInteger(o.runs) || o.runs < 1) {
    process.stderr.write('bench: --runs must be a positive integer\n');
    process.exit(2);
  }
  if (!(o.timeout > 0)) {
    process.stderr.write('bench: --timeout must be a positive number of seconds\n');
    process.exit(2);
  }
  return o;
}

/** The .elf files in dir and its subfolders (tests/images/bench/<name>/<name>.elf). */
function elfsIn(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .filter((f) => f.endsWith('.elf'))
    .sort()
    .map((f) => join(dir, f));
}

function defaultImages() {
  const own = elfsIn(join(root, 'tests', 'images', 'bench'));
  if (own.length > 0) return own;
  const shared = resolve(root, '..', 'shared', 'workloads');
  const imgs = elfsIn(shared);
  if (imgs.length > 0) {
    console.log(`No images in tests/images/bench/; using ${shared}/*.elf instead.`);
  }
  return imgs;
}

/** A one-line progress note on a terminal (rewritten in place); nothing when piped. */
function progress(text) {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${text}`);
}

/** Runs a command to completion; wall time in ms (spawn to exit). */
function timed(cmd, args, timeoutMs) {
  return new Promise((resolvePromise) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    let timedOut = false;
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolvePromise({ code: -1, ms: 0, stdout: '', stderr: String(e), timedOut: false });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({
        code,
        ms: performance.now() - t0,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    });
  });
}

const checksums = (stdout) =>
  stdout
    .split('\n')
    .map((l) => l.replace(/\r$/, '').trim())
    .filter((l) => /checksum/i.test(l));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const secs = (ms) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(2)} s`);
const mips = (insns, ms) => (insns && ms ? (insns / (ms / 1000) / 1e6).toFixed(1) : '-');
const lastLine = (s) => s.trim().split('\n').pop() ?? '';

function failure(r) {
  if (r.timedOut) return 'timed out';
  if (r.code !== 0) return `exit ${r.code}: ${lastLine(r.stderr)}`;
  return undefined;
}

function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows
    .map((r, i) => {
      const line = r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  ');
      return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const images = opts.images.length > 0 ? opts.images : defaultImages();
  if (images.length === 0) {
    process.stderr.write('bench: no images given, and none in tests/images/bench/ or ../shared/workloads/\n');
    process.exit(2);
  }
  for (const img of images) {
    if (!existsSync(img)) {
      process.stderr.write(`bench: no such image: ${img}\n`);
      process.exit(2);
    }
  }

  const b = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: root });
  if (b.status !== 0) {
    process.stderr.write('bench: building dist/a64emu.mjs failed\n');
    process.exit(1);
  }

  let qemu = opts.qemu;
  let qemuVersion = '';
  if (qemu) {
    const v = spawnSync(QEMU, ['--version'], { encoding: 'utf8' });
    if (v.error || v.status !== 0) {
      qemu = false;
      console.log(`QEMU skipped: ${QEMU} not found (install it with: apt-get install qemu-system-arm)`);
    } else {
      qemuVersion = v.stdout.split('\n')[0];
    }
  }
  console.log(`host: ${cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}${qemuVersion ? `, ${qemuVersion}` : ''}`);
  console.log(`${opts.runs} run(s) per image and emulator, interleaved; wall times include start-up\n`);

  const timeoutMs = opts.timeout * 1000;
  const rows = [['image', 'instructions', 'a64emu best', 'median', 'MIPS', 'QEMU best', 'median', 'MIPS', 'ratio', 'checksum']];
  const notes = [];
  for (const img of images) {
    const name = basename(img);
    const emu = [];
    const q = [];
    let insns;
    let emuSums;
    let qSums;
    let emuFail;
    let qFail;
    for (let i = 0; i < opts.runs; i++) {
      progress(`${name}: run ${i + 1}/${opts.runs} a64emu...`);
      const r = await timed(process.execPath, emuArgs(img), timeoutMs);
      emuFail = failure(r);
      const m = /stats: (\d+) instructions in/.exec(r.stderr);
      if (m) insns = Number(m[1]);
      if (emuFail) break;
      emu.push(r.ms);
      emuSums = checksums(r.stdout);
      if (qemu) {
        progress(`${name}: run ${i + 1}/${opts.runs} QEMU...`);
        const s = await timed(QEMU, qemuArgs(img), timeoutMs);
        qFail = failure(s);
        if (qFail) break;
        q.push(s.ms);
        qSums = checksums(s.stdout);
      }
    }
    progress('');
    if (emuFail) notes.push(`${name}: a64emu failed (${emuFail})`);
    if (qFail) notes.push(`${name}: QEMU failed (${qFail})`);
    // If a64emu failed first, QEMU still gets one run, for its checksum and time.
    if (emuFail && qemu && q.length === 0) {
      const s = await timed(QEMU, qemuArgs(img), timeoutMs);
      if (!failure(s)) {
        q.push(s.ms);
        qSums = checksums(s.stdout);
      }
    }
    let check = '-';
    if (emuSums && qSums) {
      const same = emuSums.length === qSums.length && emuSums.every((l, k) => l === qSums[k]);
      check = same ? (emuSums.length ? 'same' : 'none printed') : 'MISMATCH';
      if (!same) notes.push(`${name}: checksum MISMATCH\n  a64emu: ${emuSums.join(' | ')}\n  QEMU:   ${qSums.join(' | ')}`);
    } else if (emuSums) {
      check = emuSums.length ? 'not compared' : 'none printed';
    }
    const eBest = emu.length ? Math.min(...emu) : undefined;
    const qBest = q.length ? Math.min(...q) : undefined;
    rows.push([
      name,
      insns === undefined ? '-' : insns.toLocaleString('en-US'),
      emuFail && !emu.length ? 'failed' : secs(eBest),
      emu.length ? secs(median(emu)) : '-',
      mips(insns, eBest),
      qemu ? (qBest === undefined ? 'failed' : secs(qBest)) : 'skipped',
      q.length ? secs(median(q)) : '-',
      mips(insns, qBest),
      eBest && qBest ? `${(eBest / qBest).toFixed(1)}x` : '-',
      check,
    ]);
  }
  console.log(table(rows));
  if (qemu) console.log('\nratio = a64emu best / QEMU best wall time (higher is slower); QEMU MIPS uses a64emu\'s count');
  if (notes.length) console.log(`\n${notes.join('\n')}`);
  if (notes.some((n) => /MISMATCH|failed/.test(n))) process.exitCode = 1;
}

await main();
