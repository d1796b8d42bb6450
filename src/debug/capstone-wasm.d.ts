// The part of capstone-wasm 1.0.3's API that disasm.ts uses. The package ships typings
// (dist/index.d.ts) but its package.json "exports" does not name them, so TypeScript's
// bundler resolution cannot find them.
declare module 'capstone-wasm' {
  export interface Insn {
    id: number;
    address: number | bigint;
    size: number;
    bytes: Uint8Array;
    mnemonic: string;
    opStr: string;
  }
  export class Capstone {
    constructor(arch: number, mode: number);
    /** Throws when nothing could be disassembled. */
    disasm(data: number[] | Uint8Array, options?: { address?: number | bigint; count?: number }): Insn[];
    close(): void;
  }
  export const Const: { readonly CS_ARCH_ARM64: number; readonly CS_MODE_ARM: number };
  /** Instantiates the WebAssembly module; call (and await) before creating a Capstone. */
  export function loadCapstone(args?: Record<string, unknown>): Promise<void>;
}
