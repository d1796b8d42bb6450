// KVM guest (fixtures tests/kvm/fixtures/kvm_smccc_ids-*.txt): SMCCC function IDs at the
// edges of what Linux 6.1 KVM handles in the kernel (arch/arm64/kvm/hypercalls.c, psci.c):
// the ARCH_WORKAROUND calls themselves, and PSCI IDs whose function number is a PSCI call
// but whose other bits (31: fast call, 23:16: reserved) are not the call's ID, and target
// affinities with bits outside MPIDR_HWID_BITMASK. x0 is reported after each call. Built by npm run images (kind kvm).
#include "kvm.inc"

        .macro  call fn, a1=0
        movq    x0, \fn
        movq    x1, \a1
        mov     x2, #0
        mov     x3, #0
        hvc     #0
        report  x0
        .endm

        .text
        .global _start
_start:
        guest_start
        call    0x80008000                      // ARCH_WORKAROUND_1
        call    0x80007fff, 1                   // ARCH_WORKAROUND_2(enable)
        call    0x80003fff                      // ARCH_WORKAROUND_3
        call    0x04000003, 0                   // CPU_ON(this CPU) with bit 31 clear
        call    0x84010003, 0                   // CPU_ON(this CPU) with bit 16 set
        call    0x04000000                      // PSCI_VERSION with bit 31 clear
        call    0xffffffff84000000              // PSCI_VERSION, x0[63:32] set
        call    0x8400000a, 0x04000008          // PSCI_FEATURES(SYSTEM_OFF, bit 31 clear)
        call    0x8400000a, 0x84ff0003          // PSCI_FEATURES(CPU_ON, bits 23:16 set)
        call    0x8400000a, 0xc4000012          // PSCI_FEATURES(SYSTEM_RESET2, 64-bit)
        call    0xc4000003, 0x80000000          // CPU_ON(MPIDR 0 with bit 31, outside MPIDR_HWID_BITMASK)
        call    0xc4000004, 0x80000000          // AFFINITY_INFO(the same, level 0)
        call    0x04000008                      // SYSTEM_OFF with bit 31 clear
        call    0x84000009 | (1 << 20)          // SYSTEM_RESET with bit 20 set
        power_off

el0_done:                               // (no EL0 here: handler_code names it)
        b       .
        handler_code
