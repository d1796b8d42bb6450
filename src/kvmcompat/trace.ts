// The kvm-probe trace (../shared/kvm/README.md "Format"): one record a line, written by
// the real recorder (kvm-probe.c) and by `a64emu kvm probe`. This file holds the record
// types; parseTrace/formatTrace (text <-> KvmTrace) live here too.

import type { RegId } from './regid.js';

export type TraceExit =
  | { kind: 'mmio-write'; addr: bigint; len: number; data: bigint }
  | { kind: 'mmio-read'; addr: bigint; len: number; data: bigint }
  | { kind: 'system-event'; type: number }
  | { kind: 'reason'; reason: number };

export interface TraceSet {
  id: RegId;
  value: bigint;
  /** 'ok' or an errno name (ENOENT, EINVAL, ...). */
  result: string;
}

export interface KvmTrace {
  /** The header's version (1). */
  version: number;
  api?: number;
  /** KVM_CHECK_EXTENSION results, in order. */
  caps: Array<{ name: string; value: number }>;
  guestBytes?: number;
  target?: number;
  features?: number;
  /** The first KVM_GET_REG_LIST: its result ('ok' or errno name) and n. */
  reglistQuery?: { result: string; n: number };
  reglist?: number;
  /** After init, in list order; value undefined where the line says `error ERRNO` (errno in valueError). */
  reset: Array<{ id: RegId; value?: bigint; error?: string }>;
  sets: TraceSet[];
  exits: TraceExit[];
  final: Array<{ id: RegId; value?: bigint; error?: string }>;
  /** `error WHAT ERRNO` lines: the run failed there. */
  errors: Array<{ what: string; errno: string }>;
  /** True when the `# end` line was seen. */
  complete: boolean;
}
