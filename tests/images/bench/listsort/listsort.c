/* bench/listsort: linked lists and integer sorting for a64emu (integer only).
 *
 * Per round: builds a singly linked list of pseudo-random keys from a node pool,
 * merge-sorts it, checks the order, deletes every third node, reverses it, inserts new
 * keys in order; sorts an array of 32-bit keys with heap sort and with LSD radix sort and
 * checks that both agree; answers binary-search queries.  Prints "listsort checksum 0x..."
 * and exits 0, or exits 1 if a self-check fails.
 *
 * Expected output: listsort.expected.json beside this file, recorded from QEMU with
 *   node scripts/images.mjs record bench/listsort
 */
#include "rt.h"

#define NNODES 20000
#define NKEYS 30000
#define ROUNDS 5

struct node { struct node *next; uint32_t key; uint32_t tag; };
static struct node pool[NNODES + 1024];
static uint32_t pool_used;
static uint32_t a[NKEYS], b[NKEYS], tmp[NKEYS];

static uint64_t rng_state = 0x853c49e6748fea9bull;
static uint32_t rng32(void) {
    /* 64-bit LCG, output = high 32 bits with a xorshift */
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    uint64_t x = rng_state;
    return (uint32_t)((x ^ (x >> 22)) >> 32);
}

static struct node *new_node(uint32_t key, uint32_t tag) {
    struct node *n = &pool[pool_used++];
    n->key = key; n->tag = tag; n->next = 0;
    return n;
}

static struct node *merge(struct node *x, struct node *y) {
    struct node head, *t = &head;
    while (x && y) {
        if (x->key <= y->key) { t->next = x; x = x->next; } else { t->next = y; y = y->next; }
        t = t->next;
    }
    t->next = x ? x : y;
    return head.next;
}

static struct node *msort(struct node *l) {
    if (!l || !l->next) return l;
    struct node *slow = l, *fast = l->next;
    while (fast && fast->next) { slow = slow->next; fast = fast->next->next; }
    struct node *r = slow->next;
    slow->next = 0;
    return merge(msort(l), msort(r));
}

static void sift(uint32_t *v, int i, int n) {
    for (;;) {
        int c = 2 * i + 1;
        if (c >= n) return;
        if (c + 1 < n && v[c + 1] > v[c]) c++;
        if (v[i] >= v[c]) return;
        uint32_t t = v[i]; v[i] = v[c]; v[c] = t;
        i = c;
    }
}
static void heapsort(uint32_t *v, int n) {
    for (int i = n / 2 - 1; i >= 0; i--) sift(v, i, n);
    for (int e = n - 1; e > 0; e--) { uint32_t t = v[0]; v[0] = v[e]; v[e] = t; sift(v, 0, e); }
}
static void radixsort(uint32_t *v, int n) {
    uint32_t *src = v, *dst = tmp;
    for (int shift = 0; shift < 32; shift += 8) {
        uint32_t cnt[257];
        memset(cnt, 0, sizeof cnt);
        for (int i = 0; i < n; i++) cnt[((src[i] >> shift) & 255) + 1]++;
        for (int i = 0; i < 256; i++) cnt[i + 1] += cnt[i];
        for (int i = 0; i < n; i++) dst[cnt[(src[i] >> shift) & 255]++] = src[i];
        uint32_t *t = src; src = dst; dst = t;
    }
    /* four passes: the result is back in v */
}
static int bsearch_u32(const uint32_t *v, int n, uint32_t key) {
    int lo = 0, hi = n;
    while (lo < hi) { int mid = (lo + hi) >> 1; if (v[mid] < key) lo = mid + 1; else hi = mid; }
    return lo;
}

int main(void) {
    uint64_t sum = 0;
    int bad = 0;
    for (int round = 0; round < ROUNDS; round++) {
        /* list: build, sort, check */
        pool_used = 0;
        struct node *l = 0;
        for (int i = 0; i < NNODES; i++) {
            struct node *n = new_node(rng32() % 1000000, (uint32_t)i);
            n->next = l; l = n;
        }
        l = msort(l);
        uint32_t prev = 0, count = 0;
        for (struct node *p = l; p; p = p->next) {
            if (p->key < prev) bad = 1;
            prev = p->key;
            sum = sum * 3 + p->tag;
            count++;
        }
        if (count != NNODES) bad = 2;

        /* delete every third node */
        struct node **pp = &l;
        uint32_t k = 0;
        while (*pp) { if (++k % 3 == 0) *pp = (*pp)->next; else pp = &(*pp)->next; }

        /* reverse */
        struct node *r = 0;
        while (l) { struct node *n = l->next; l->next = r; r = l; l = n; }
        l = r;  /* now descending */

        /* ordered inserts (descending order) */
        for (int i = 0; i < 1000; i++) {
            struct node *n = new_node(rng32() % 1000000, 0x80000000u | (uint32_t)i);
            struct node **q = &l;
            while (*q && (*q)->key > n->key) q = &(*q)->next;
            n->next = *q; *q = n;
        }
        prev = 0xffffffffu; count = 0;
        for (struct node *p = l; p; p = p->next) {
            if (p->key > prev) bad = 3;
            prev = p->key;
            sum += (uint64_t)p->key * (count + 1);
            count++;
        }
        sum ^= (uint64_t)count << 40;

        /* arrays: heap sort vs radix sort */
        for (int i = 0; i < NKEYS; i++) a[i] = b[i] = rng32();
        heapsort(a, NKEYS);
        radixsort(b, NKEYS);
        for (int i = 0; i < NKEYS; i++) {
            if (a[i] != b[i]) bad = 4;
            if (i && a[i - 1] > a[i]) bad = 5;
        }
        for (int i = 0; i < NKEYS; i += 97) sum = sum * 1000003 + a[i];

        /* binary searches */
        for (int i = 0; i < 20000; i++) {
            uint32_t key = rng32();
            int pos = bsearch_u32(a, NKEYS, key);
            if (pos < NKEYS && a[pos] < key) bad = 6;
            sum += (uint64_t)pos;
        }
    }
    rt_checksum("listsort", sum);
    if (bad) {
        rt_puts("listsort self-check failed\n");
        return 1;
    }
    return 0;
}
