/* C interface to lib/rt.S for the guest benchmark images (tests/images/bench/).
 * All output goes to the PL011 UART; rt_exit ends the run through semihosting SYS_EXIT. */
#ifndef A64EMU_RT_H
#define A64EMU_RT_H
#include <stdint.h>
#include <stddef.h>

void rt_putc(int c);
void rt_puts(const char *s);
void rt_hex64(uint64_t v);      /* 16 hex digits, no prefix */
void rt_dec(uint64_t v);        /* unsigned decimal */
void rt_exit(int status) __attribute__((noreturn));

void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/* "<name> checksum 0x<16 hex digits>\n" */
static inline void rt_checksum(const char *name, uint64_t v) {
    rt_puts(name);
    rt_puts(" checksum 0x");
    rt_hex64(v);
    rt_putc('\n');
}
#endif
