// A small reproducible random source for the fuzzer (xoshiro128**, seeded by splitmix32), with
// the biased choices a risu-style generator needs: edge-case 64-bit values, small numbers,
// registers that repeat within an instruction.

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next() | 1;
  }

  /** 32 random bits, unsigned. */
  u32(): number {
    const r = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return n <= 1 ? 0 : Math.floor((this.u32() / 4294967296) * n);
  }

  /** An integer in [lo, hi] (inclusive). */
  range(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.u32() / 4294967296 < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.below(xs.length)];
  }

  u64(): bigint {
    return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }

  /** A 64-bit value biased towards the edges that break arithmetic: 0, ±1, sign boundaries, ... */
  edge64(): bigint {
    switch (this.below(10)) {
      case 0:
        return BigInt.asUintN(64, this.pick(EDGES));
      case 1:
        return BigInt.asUintN(64, BigInt(this.range(-16, 16)));
      case 2: // a 32-bit edge, zero- or sign-extended, or with random upper bits
        return this.chance(0.5)
          ? BigInt.asUintN(32, this.pick(EDGES))
          : (this.u64() & 0xffffffff00000000n) | BigInt.asUintN(32, this.pick(EDGES));
      case 3: // one bit, or all but one
        return this.chance(0.5) ? 1n << BigInt(this.below(64)) : BigInt.asUintN(64, ~(1n << BigInt(this.below(64))));
      case 4: // a random 32-bit value, zero- or sign-extended
        return this.chance(0.5) ? BigInt(this.u32()) : BigInt.asUintN(64, BigInt(this.u32() | 0));
      default:
        return this.u64();
    }
  }

  /** A field value of `bits` bits, biased towards 0, 1, the maximum and the sign boundary. */
  field(bits: number): number {
    const max = bits >= 32 ? 0xffffffff : 2 ** bits - 1;
    switch (this.below(8)) {
      case 0:
        return 0;
      case 1:
        return Math.min(1, max);
      case 2:
        return max;
      case 3:
        return bits > 1 ? 2 ** (bits - 1) - this.below(2) : this.below(2);
      default:
        return this.below(max + 1);
    }
  }
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

const EDGES: readonly bigint[] = [
  0n, 1n, -1n, 2n, -2n,
  0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, -0x80000000n, -0x80000001n,
  0x7fffffffffffffffn, -0x8000000000000000n, 0x7ffffffffffffffen, -0x7fffffffffffffffn,
  0xffffn, 0x8000n, 0x7fffn, 0xffn, 0x80n, 0x7fn,
  0x5555555555555555n, -0x5555555555555556n, 0x0123456789abcdefn,
];
