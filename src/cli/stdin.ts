// Host stdin to the guest's UART. On a terminal, keystrokes go raw (Ctrl-C reaches the
// guest), so there is an escape as with QEMU's -nographic: Ctrl-A x quits, Ctrl-A Ctrl-A
// sends one Ctrl-A; Ctrl-A followed by anything else sends both bytes.

export const CTRL_A = 0x01;

/** Splits terminal input into guest bytes and the quit request, across chunk boundaries. */
export class EscapeFilter {
  private pendingEscape = false;

  /** Returns the bytes for the guest, and whether Ctrl-A x was typed. */
  feed(chunk: Uint8Array): { bytes: Uint8Array; quit: boolean } {
    const out: number[] = [];
    for (const b of chunk) {
      if (this.pendingEscape) {
        this.pendingEscape = false;
        if (b === 0x78 /* x */ || b === 0x58 /* X */) return { bytes: Uint8Array.from(out), quit: true };
        if (b !== CTRL_A) out.push(CTRL_A);
        out.push(b);
      } else if (b === CTRL_A) {
        this.pendingEscape = true;
      } else {
        out.push(b);
      }
    }
    return { bytes: Uint8Array.from(out), quit: false };
  }
}

/** The part of process.stdin this module uses. */
export interface StdinLike {
  readonly isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  removeListener(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  removeListener(event: 'error', listener: (err: Error) => void): unknown;
  resume(): unknown;
  pause(): unknown;
  unref?(): unknown;
}

/**
 * Starts feeding stdin to `onInput`; `onQuit` on Ctrl-A x (terminals only). Returns a
 * function that undoes everything, so that a paused stdin does not keep the process alive.
 */
export function attachStdin(stdin: StdinLike, onInput: (bytes: Uint8Array) => void, onQuit: () => void): () => void {
  const tty = stdin.isTTY === true && typeof stdin.setRawMode === 'function';
  const filter = new EscapeFilter();
  const onData = (chunk: Buffer | string): void => {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : new Uint8Array(chunk);
    if (!tty) {
      onInput(bytes);
      return;
    }
    const r = filter.feed(bytes);
    if (r.bytes.length) onInput(r.bytes);
    if (r.quit) onQuit();
  };
  const onError = (): void => {
    /* a closed or broken stdin just means no more input */
  };
  if (tty) stdin.setRawMode!(true);
  stdin.on('data', onData);
  stdin.on('error', onError);
  stdin.resume();
  return () => {
    stdin.removeListener('data', onData);
    stdin.removeListener('error', onError);
    if (tty) stdin.setRawMode!(false);
    stdin.pause();
    stdin.unref?.();
  };
}
