// A64 disassembly through Capstone (capstone-wasm), for `a64emu disasm`, traces, lockstep
// and fuzz reports. Capstone's 1.7 MB WebAssembly module is loaded on the first call of
// loadDisassembler(), never at start-up: `a64emu run` without --trace does not pay for it.
// (The bundle keeps capstone-wasm external, so its .wasm is found beside its own
// module in node_modules; see scripts/build.mjs.)

import { wordHex } from './fmt.js';

/** Disassembles one instruction word at `pc` (branch targets are absolute addresses). */
export type Disassembler = (word: number, pc: bigint) => string;

/** Text for a word Capstone does not decode, as objdump's `.inst 0x... ; undefined`. */
export const undecodable = (word: number): string => `.inst 0x${wordHex(word)} ; undefined`;


let loading: Promise<Disassembler> | undefined;

/** Loads Capstone once (later calls share it) and returns an A64 disassembler. */
export function loadDisassembler(): Promise<Disassembler> {
  return (loading ??= create());
}

/** Cached texts: 4096 entries, direct-mapped by address (loops in traces hit every time). */
const CACHE = 4096;

async function create(): Promise<Disassembler> {
  const { Capstone, Const, loadCapstone } = await import('capstone-wasm');
  await loadCapstone();
  const cs = new Capstone(Const.CS_ARCH_ARM64, Const.CS_MODE_ARM);
  const bytes = new Uint8Array(4);
  const view = new DataView(bytes.buffer);
  const keyPc: (bigint | undefined)[] = new Array(CACHE).fill(undefined);
  const keyWord = new Int32Array(CACHE);
  const text: string[] = new Array(CACHE).fill('');
  return (word, pc) => {
    const k = Number((pc >> 2n) & BigInt(CACHE - 1));
    if (keyPc[k] === pc && keyWord[k] === (word | 0)) return text[k];
    view.setUint32(0, word >>> 0, true);
    let s: string;
    try {
      const [insn] = cs.disasm(bytes, { address: pc, count: 1 });
      let ops = insn.opStr;
      // Capstone 5 prints nothing for a PRFM prfop without a name (Arm ARM C6.2 PRFM:
      // such values are shown as #imm5, the Rt field), e.g. `prfm , [x1]`.
      if (insn.mnemonic.startsWith('prf') && ops.startsWith(', ')) ops = `#0x${(word & 0x1f).toString(16)}${ops}`;
      s = ops === '' ? insn.mnemonic : `${insn.mnemonic} ${ops}`;
    } catch {
      s = undecodable(word); // Capstone throws when it decodes nothing
    }
    keyPc[k] = pc;
    keyWord[k] = word | 0;
    text[k] = s;
    return s;
  };
}
