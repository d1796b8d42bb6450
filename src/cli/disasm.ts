// `a64emu disasm IMAGE [--start ADDR] [--count N] [--load-addr ADDR]`: the image's bytes as
// the board would load them, disassembled by Capstone, one instruction a line as objdump -d
// prints them: address, instruction word, disassembly.

import type { DisasmArgs } from './args.js';
import { EXIT, readImage, type CliIo } from './main.js';
import { LoadError, parseImage, type Segment } from '../machine/loader.js';
import { MAX_RAM_SIZE, VIRT_RAM_BASE } from '../machine/virt.js';
import { loadDisassembler } from '../debug/disasm.js';
import { hexDigits, wordHex } from '../debug/fmt.js';

const DEFAULT_COUNT = 32;

/** The segment whose file bytes hold the word at `addr`, if any. */
function segmentAt(segments: readonly Segment[], addr: number): Segment | undefined {
  return segments.find((s) => addr >= s.pa && addr + 4 <= s.pa + s.data.length);
}

export async function disasmCommand(args: DisasmArgs, io: CliIo, err: (text: string) => void): Promise<number> {
  const bytes = readImage(args.image, io, err);
  if (typeof bytes === 'number') return bytes;
  let image;
  try {
    // Any RAM size the board accepts: the image is disassembled, not run.
    image = parseImage(bytes, { base: VIRT_RAM_BASE, size: MAX_RAM_SIZE }, { loadAddr: args.loadAddr });
  } catch (e) {
    if (!(e instanceof LoadError)) throw e;
    err(`${args.image}: ${e.message}`);
    return EXIT.USAGE;
  }
  const start = args.start ?? Number(image.entry);
  const hex = (a: number): string => `0x${a.toString(16)}`;
  if (start % 4 !== 0) {
    err(`start address ${hex(start)} is not a multiple of 4 (A64 instructions are aligned)`);
    return EXIT.USAGE;
  }
  if (segmentAt(image.segments, start) === undefined) {
    const ranges = image.segments
      .filter((s) => s.data.length > 0)
      .map((s) => `${hex(s.pa)}-${hex(s.pa + s.data.length - 1)}`)
      .join(', ');
    err(`address ${hex(start)} is outside the image's loaded bytes (${ranges || 'none'})`);
    return EXIT.USAGE;
  }
  const disasm = await loadDisassembler();
  const count = args.count ?? DEFAULT_COUNT;
  const lines: string[] = [];
  // Stops early at the end of the loaded bytes, as objdump stops at the end of a section.
  for (let i = 0, a = start; i < count; i++, a += 4) {
    const seg = segmentAt(image.segments, a);
    if (seg === undefined) break;
    const off = a - seg.pa;
    const d = seg.data;
    const word = (d[off] | (d[off + 1] << 8) | (d[off + 2] << 16) | (d[off + 3] << 24)) >>> 0;
    lines.push(`    ${hexDigits(a, 8)}:\t${wordHex(word)} \t${disasm(word, BigInt(a))}\n`);
  }
  io.write('stdout', lines.join(''));
  return EXIT.OK;
}
