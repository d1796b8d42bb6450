/* bench/interp: a small stack-machine bytecode interpreter for a64emu (integer only).
 *
 * The guest interprets three bytecode programs with a switch-dispatched loop: a prime
 * sieve over the VM's memory, a sum of Collatz sequence lengths, and a GCD/modular-power
 * mix.  The results are checked against the same computations written directly in C.
 * Prints "interp checksum 0x..." and exits 0, or exits 1 if a self-check fails.
 *
 * Expected output: interp.expected.json beside this file, recorded from QEMU with
 *   node scripts/images.mjs record bench/interp
 */
#include "rt.h"

enum op {
    PUSH, LOAD, STORE, LDM, STM, ADD, SUB, MUL, DIVU, MODU, AND, OR, XOR, SHL, SHR,
    LT, EQ, JMP, JZ, JNZ, DUP, DROP, SWAP, HALT
};

#define NVARS 16
#define MEM 65536

static int64_t vars[NVARS];
static uint8_t vmem[MEM];

static uint64_t run(const int32_t *code) {
    int64_t stack[64];
    int sp = 0;
    int pc = 0;
    uint64_t steps = 0;
    for (;;) {
        int32_t op = code[pc++];
        steps++;
        switch (op) {
        case PUSH: stack[sp++] = code[pc++]; break;
        case LOAD: stack[sp++] = vars[code[pc++]]; break;
        case STORE: vars[code[pc++]] = stack[--sp]; break;
        case LDM: stack[sp - 1] = vmem[(uint64_t)stack[sp - 1] % MEM]; break;
        case STM: sp -= 2; vmem[(uint64_t)stack[sp] % MEM] = (uint8_t)stack[sp + 1]; break;
        case ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case DIVU: sp--; stack[sp - 1] = stack[sp] ? (int64_t)((uint64_t)stack[sp - 1] / (uint64_t)stack[sp]) : 0; break;
        case MODU: sp--; stack[sp - 1] = stack[sp] ? (int64_t)((uint64_t)stack[sp - 1] % (uint64_t)stack[sp]) : 0; break;
        case AND: sp--; stack[sp - 1] &= stack[sp]; break;
        case OR: sp--; stack[sp - 1] |= stack[sp]; break;
        case XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case SHL: sp--; stack[sp - 1] = (int64_t)((uint64_t)stack[sp - 1] << (stack[sp] & 63)); break;
        case SHR: sp--; stack[sp - 1] = (int64_t)((uint64_t)stack[sp - 1] >> (stack[sp] & 63)); break;
        case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
        case JMP: pc = code[pc]; break;
        case JZ: pc = stack[--sp] ? pc + 1 : code[pc]; break;
        case JNZ: pc = stack[--sp] ? code[pc] : pc + 1; break;
        case DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case DROP: sp--; break;
        case SWAP: { int64_t t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
        case HALT: return steps;
        default: return ~0ull;
        }
    }
}

/* sieve: v0 = N; count primes < N in v1 (memory bytes 0..N-1 as flags) */
static const int32_t prog_sieve[] = {
    /* 0 */ PUSH, 2, STORE, 2,                          /* i = 2 */
    /* 4 */ LOAD, 2, LOAD, 0, LT, JZ, 61,               /* while i < N */
    /* 11 */ LOAD, 2, LDM, JNZ, 52,                     /*   if !mem[i] */
    /* 16 */ LOAD, 1, PUSH, 1, ADD, STORE, 1,           /*     count++ */
    /* 23 */ LOAD, 2, LOAD, 2, MUL, STORE, 3,           /*     j = i*i */
    /* 30 */ LOAD, 3, LOAD, 0, LT, JZ, 52,              /*     while j < N */
    /* 37 */ LOAD, 3, PUSH, 1, STM,                     /*       mem[j] = 1 */
    /* 42 */ LOAD, 3, LOAD, 2, ADD, STORE, 3, JMP, 30,  /*       j += i */
    /* 51 */ HALT,                                      /* (unused) */
    /* 52 */ LOAD, 2, PUSH, 1, ADD, STORE, 2, JMP, 4,   /*   i++ */
    /* 61 */ HALT,
};

/* collatz: v0 = M; v1 = sum over n in [1, M) of the number of steps to reach 1 */
static const int32_t prog_collatz[] = {
    /* 0 */ PUSH, 1, STORE, 2,                          /* n = 1 */
    /* 4 */ LOAD, 2, LOAD, 0, LT, JZ, 66,               /* while n < M */
    /* 11 */ LOAD, 2, STORE, 3,                         /*   x = n */
    /* 15 */ LOAD, 3, PUSH, 1, EQ, JNZ, 57,             /*   while x != 1 */
    /* 22 */ LOAD, 3, PUSH, 1, AND, JZ, 41,             /*     if x odd */
    /* 29 */ LOAD, 3, PUSH, 3, MUL, PUSH, 1, ADD, STORE, 3, JMP, 48, /* x = 3x + 1 */
    /* 41 */ LOAD, 3, PUSH, 1, SHR, STORE, 3,           /*     else x >>= 1 */
    /* 48 */ LOAD, 1, PUSH, 1, ADD, STORE, 1, JMP, 15,  /*     steps++ */
    /* 57 */ LOAD, 2, PUSH, 1, ADD, STORE, 2, JMP, 4,   /*   n++ */
    /* 66 */ HALT,
};

/* gcdmix: v0 = K; v1 = sum over a in [1, K) of gcd(a * 7919 mod 100003, a) + (a^5 mod 65521) */
static const int32_t prog_gcd[] = {
    /* 0 */ PUSH, 1, STORE, 2,                          /* a = 1 */
    /* 4 */ LOAD, 2, LOAD, 0, LT, JZ, 102,              /* while a < K */
    /* 11 */ LOAD, 2, PUSH, 7919, MUL, PUSH, 100003, MODU, STORE, 3, /* x = a*7919 % 100003 */
    /* 21 */ LOAD, 2, STORE, 4,                         /* y = a */
    /* 25 */ LOAD, 4, JZ, 44,                           /* while y */
    /* 29 */ LOAD, 3, LOAD, 4, MODU, LOAD, 4, STORE, 3, STORE, 4, JMP, 25, /* (x,y) = (y, x%y) */
    /* 42 */ HALT, HALT,
    /* 44 */ LOAD, 1, LOAD, 3, ADD, STORE, 1,           /* sum += x */
    /* 51 */ PUSH, 1, STORE, 5, PUSH, 5, STORE, 6,      /* r = 1, e = 5 */
    /* 59 */ LOAD, 6, JZ, 86,                           /* while e */
    /* 63 */ LOAD, 5, LOAD, 2, MUL, PUSH, 65521, MODU, STORE, 5, /* r = r*a % 65521 */
    /* 73 */ LOAD, 6, PUSH, 1, SUB, STORE, 6, JMP, 59,
    /* 82 */ HALT, HALT, HALT, HALT,
    /* 86 */ LOAD, 1, LOAD, 5, ADD, STORE, 1,           /* sum += r */
    /* 93 */ LOAD, 2, PUSH, 1, ADD, STORE, 2, JMP, 4,
    /* 102 */ HALT,
};

static uint64_t c_sieve(int64_t n) {
    static uint8_t f[MEM];
    memset(f, 0, sizeof f);
    uint64_t c = 0;
    for (int64_t i = 2; i < n; i++) {
        if (f[i]) continue;
        c++;
        for (int64_t j = i * i; j < n; j += i) f[j] = 1;
    }
    return c;
}
static uint64_t c_collatz(int64_t m) {
    uint64_t s = 0;
    for (int64_t n = 1; n < m; n++) for (int64_t x = n; x != 1; s++) x = (x & 1) ? 3 * x + 1 : x >> 1;
    return s;
}
static uint64_t c_gcd(int64_t k) {
    uint64_t s = 0;
    for (int64_t a = 1; a < k; a++) {
        uint64_t x = (uint64_t)(a * 7919) % 100003, y = (uint64_t)a;
        while (y) { uint64_t t = x % y; x = y; y = t; }
        s += x;
        uint64_t r = 1;
        for (int e = 5; e; e--) r = r * (uint64_t)a % 65521;
        s += r;
    }
    return s;
}

int main(void) {
    uint64_t sum = 0;
    int bad = 0;
    static const int64_t sieve_n[] = { 20000, 65000, 40000, 65536 };
    for (int r = 0; r < 4; r++) {
        memset(vmem, 0, sizeof vmem);
        memset(vars, 0, sizeof vars);
        vars[0] = sieve_n[r];
        uint64_t steps = run(prog_sieve);
        if ((uint64_t)vars[1] != c_sieve(sieve_n[r])) bad = 1;
        sum = sum * 1000003 + (uint64_t)vars[1] + (steps << 20);
    }
    static const int64_t collatz_m[] = { 2000, 4000, 3000 };
    for (int r = 0; r < 3; r++) {
        memset(vars, 0, sizeof vars);
        vars[0] = collatz_m[r];
        uint64_t steps = run(prog_collatz);
        if ((uint64_t)vars[1] != c_collatz(collatz_m[r])) bad = 2;
        sum = sum * 1000003 + (uint64_t)vars[1] + (steps << 20);
    }
    static const int64_t gcd_k[] = { 3000, 6000 };
    for (int r = 0; r < 2; r++) {
        memset(vars, 0, sizeof vars);
        vars[0] = gcd_k[r];
        uint64_t steps = run(prog_gcd);
        if ((uint64_t)vars[1] != c_gcd(gcd_k[r])) bad = 3;
        sum = sum * 1000003 + (uint64_t)vars[1] + (steps << 20);
    }
    rt_checksum("interp", sum);
    if (bad) {
        rt_puts("interp self-check failed (");
        rt_dec((uint64_t)bad);
        rt_puts(")\n");
        return 1;
    }
    return 0;
}
