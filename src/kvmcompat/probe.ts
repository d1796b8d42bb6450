// `a64emu kvm probe`: drives the virtual vCPU through the sequence of
// ../shared/kvm/kvm-probe.c and returns the same trace text.

export interface ProbeOptions {
  /** CPU model name (default cortex-a57). */
  cpu?: string;
}

/** The trace kvm-probe.c would print for `guest` (a raw image loaded at IPA 0x40000000). */
export function probe(_guest: Uint8Array, _opts: ProbeOptions = {}): string {
  throw new Error('kvm probe: not written yet (issue 9)');
}
