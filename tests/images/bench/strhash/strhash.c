/* bench/strhash: string handling and hashing mix for a64emu (integer only).
 *
 * Generates a deterministic corpus of pseudo-words, then for several rounds: measures and
 * copies strings, concatenates them into a text, hashes every word (FNV-1a and a
 * multiply-rotate hash) into an open-addressing table that counts occurrences, searches
 * the text for patterns, reverses and compares strings, upper-cases and run-length
 * encodes the text.  Prints "strhash checksum 0x..." and exits 0, or exits 1 if a
 * self-check fails.
 *
 * Expected output: strhash.expected.json beside this file, recorded from QEMU with
 *   node scripts/images.mjs record bench/strhash
 */
#include "rt.h"

#define NWORDS 3000
#define ARENA (NWORDS * 16)
#define TEXT (NWORDS * 16)
#define TABLE 8192 /* power of two, > 2 * distinct words */
#define ROUNDS 100

static char arena[ARENA];
static char *words[NWORDS];
static char text[TEXT];
static char scratch[TEXT];
static char rle[2 * TEXT];

struct slot { uint64_t hash; const char *word; uint32_t count; };
static struct slot table[TABLE];

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void) {
    uint64_t x = rng_state;
    x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
    rng_state = x;
    return x * 0x2545f4914f6cdd1dull;
}

static size_t s_len(const char *s) { const char *p = s; while (*p) p++; return (size_t)(p - s); }
static char *s_cpy(char *d, const char *s) { char *r = d; while ((*d++ = *s++)) {} return r; }
static int s_cmp(const char *a, const char *b) {
    while (*a && *a == *b) { a++; b++; }
    return (unsigned char)*a - (unsigned char)*b;
}
static void s_rev(char *s) {
    size_t n = s_len(s);
    for (size_t i = 0, j = n ? n - 1 : 0; i < j; i++, j--) { char t = s[i]; s[i] = s[j]; s[j] = t; }
}
static const char *s_find(const char *hay, const char *needle) {
    size_t n = s_len(needle);
    if (!n) return hay;
    for (; *hay; hay++) {
        if (*hay != *needle) continue;
        size_t i = 1;
        while (i < n && hay[i] == needle[i]) i++;
        if (i == n) return hay;
    }
    return 0;
}

static uint64_t fnv1a(const char *s) {
    uint64_t h = 0xcbf29ce484222325ull;
    while (*s) { h ^= (unsigned char)*s++; h *= 0x100000001b3ull; }
    return h;
}
static uint64_t mrhash(const char *s) {
    uint64_t h = 0x243f6a8885a308d3ull;
    while (*s) { h = (h ^ (unsigned char)*s++) * 0xff51afd7ed558ccdull; h = (h << 29) | (h >> 35); }
    return h ^ (h >> 31);
}

static const char *const syl[16] = { "ka", "ri", "mo", "ten", "a", "lu", "sha", "no",
                                     "vel", "i", "qua", "zo", "e", "dri", "pu", "xan" };

static void make_corpus(void) {
    char *p = arena;
    for (int i = 0; i < NWORDS; i++) {
        words[i] = p;
        int ns = 1 + (int)(rng() % 4);
        /* a small vocabulary so that words repeat: choose from a seed space of 700 */
        uint64_t seed = rng() % 700;
        for (int k = 0; k < ns; k++) {
            const char *q = syl[(seed >> (4 * k)) & 15];
            while (*q) *p++ = *q++;
        }
        *p++ = 0;
    }
}

static uint32_t table_add(const char *w, uint64_t h) {
    uint32_t i = (uint32_t)h & (TABLE - 1);
    for (;;) {
        if (!table[i].word) { table[i].word = w; table[i].hash = h; table[i].count = 1; return 1; }
        if (table[i].hash == h && s_cmp(table[i].word, w) == 0) { table[i].count++; return 0; }
        i = (i + 1) & (TABLE - 1);
    }
}

int main(void) {
    uint64_t sum = 0;
    int bad = 0;
    make_corpus();
    for (int round = 0; round < ROUNDS; round++) {
        /* lengths and copies */
        size_t total = 0;
        for (int i = 0; i < NWORDS; i++) {
            total += s_len(words[i]);
            s_cpy(scratch, words[i]);
            if (s_cmp(scratch, words[i]) != 0) bad = 1;
        }
        sum = sum * 31 + total;

        /* concatenate with separators, rotating the start word each round */
        char *t = text;
        for (int i = 0; i < NWORDS; i++) {
            const char *w = words[(i + round * 7) % NWORDS];
            while (*w) *t++ = *w++;
            *t++ = (i % 13 == 12) ? '.' : ' ';
        }
        *t = 0;

        /* hashing into the counting table */
        memset(table, 0, sizeof table);
        uint32_t distinct = 0;
        uint64_t hx = 0;
        for (int i = 0; i < NWORDS; i++) {
            uint64_t h = (round & 1) ? mrhash(words[i]) : fnv1a(words[i]);
            distinct += table_add(words[i], h);
            hx ^= h + (hx << 6) + (hx >> 2);
        }
        uint32_t counted = 0;
        for (int i = 0; i < TABLE; i++) if (table[i].word) counted += table[i].count;
        if (counted != NWORDS) bad = 2;
        sum = sum * 31 + distinct;
        sum ^= hx;

        /* substring search: count occurrences of a few patterns */
        static const char *const pats[] = { "kari", "sha ", "xanpu", "e.", "quazo", "drimo" };
        for (int k = 0; k < 6; k++) {
            uint32_t n = 0;
            for (const char *p = s_find(text, pats[k]); p; p = s_find(p + 1, pats[k])) n++;
            sum = sum * 131 + n;
        }

        /* reverse every word twice (must round-trip) and once (compare) */
        for (int i = 0; i < NWORDS; i += 3) {
            s_cpy(scratch, words[i]);
            s_rev(scratch);
            int c = s_cmp(scratch, words[i]);
            sum += (uint64_t)(c < 0 ? 1 : c > 0 ? 2 : 3);
            s_rev(scratch);
            if (s_cmp(scratch, words[i]) != 0) bad = 3;
        }

        /* upper-case and run-length encode the text */
        size_t n = 0, o = 0;
        for (const char *p = text; *p; p++) scratch[n++] = (*p >= 'a' && *p <= 'z') ? (char)(*p - 32) : *p;
        scratch[n] = 0;
        for (size_t i = 0; i < n;) {
            size_t j = i;
            while (j < n && scratch[j] == scratch[i] && j - i < 9) j++;
            rle[o++] = (char)('0' + (j - i));
            rle[o++] = scratch[i];
            i = j;
        }
        rle[o] = 0;
        sum = sum * 1000003 + fnv1a(rle) + o;
    }
    rt_checksum("strhash", sum);
    if (bad) {
        rt_puts("strhash self-check failed\n");
        return 1;
    }
    return 0;
}
