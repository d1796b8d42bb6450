// KVM guest (fixtures tests/kvm/fixtures/kvm_mmio_hvc-*.txt): MMIO loads of every size
// and signedness, MMIO stores of every size, the in-kernel PSCI/SMCCC calls, SMC, and last
// an LDP from MMIO, which has no valid syndrome (KVM_RUN fails with ENOSYS).
// Built by npm run images (kind kvm); every report is a 64-bit store to 0x09000000.
        .text
        .global _start
_start:
        movz    x20, #0x0900, lsl #16
        // MMIO loads (the probe answers 0x1122334455667788)
        ldrb    w1, [x20, #0x10];   str x1, [x20]
        ldrh    w1, [x20, #0x12];   str x1, [x20]
        ldr     w1, [x20, #0x14];   str x1, [x20]
        ldr     x1, [x20, #0x18];   str x1, [x20]
        ldrsb   x1, [x20, #0x20];   str x1, [x20]
        ldrsb   w1, [x20, #0x21];   str x1, [x20]
        ldrsh   x1, [x20, #0x22];   str x1, [x20]
        ldrsh   w1, [x20, #0x24];   str x1, [x20]
        ldrsw   x1, [x20, #0x28];   str x1, [x20]
        ldr     xzr, [x20, #0x30]
        ldar    w3, [x20];          str x3, [x20]
        // MMIO stores of every size
        movz    x2, #0x3210
        movk    x2, #0x7654, lsl #16
        movk    x2, #0xba98, lsl #32
        movk    x2, #0xfedc, lsl #48
        strb    w2, [x20, #1]
        strh    w2, [x20, #2]
        str     w2, [x20, #4]
        str     x2, [x20, #8]
        str     xzr, [x20]
        stlr    x2, [x20]
        // Hypercalls: x0 = function, x1..x3 arguments; x0..x3 reported after each
        movz    x0, #0x8400, lsl #16            // PSCI_VERSION
        bl      call
        movz    x0, #0x8400, lsl #16            // PSCI_FEATURES(SYSTEM_OFF)
        movk    x0, #0x000a
        movz    x1, #0x8400, lsl #16
        movk    x1, #0x0008
        bl      call
        movz    x0, #0x8400, lsl #16            // PSCI_FEATURES(SYSTEM_RESET2_64)
        movk    x0, #0x000a
        movz    x1, #0xc400, lsl #16
        movk    x1, #0x0012
        bl      call
        movz    x0, #0x8400, lsl #16            // PSCI_FEATURES(SYSTEM_SUSPEND)
        movk    x0, #0x000a
        movz    x1, #0x8400, lsl #16
        movk    x1, #0x000e
        bl      call
        movz    x0, #0x8400, lsl #16            // PSCI_FEATURES(CPU_OFF 64: no such)
        movk    x0, #0x000a
        movz    x1, #0xc400, lsl #16
        movk    x1, #0x0002
        bl      call
        movz    x0, #0x8400, lsl #16            // PSCI_FEATURES(SMCCC_VERSION)
        movk    x0, #0x000a
        movz    x1, #0x8000, lsl #16
        bl      call
        movz    x0, #0x8000, lsl #16            // SMCCC_VERSION
        bl      call
        movz    x0, #0x8000, lsl #16            // SMCCC_ARCH_FEATURES(WORKAROUND_1)
        movk    x0, #0x0001
        movz    x1, #0x8000, lsl #16
        movk    x1, #0x8000
        bl      call
        movz    x0, #0x8000, lsl #16            // SMCCC_ARCH_FEATURES(WORKAROUND_2)
        movk    x0, #0x0001
        movz    x1, #0x8000, lsl #16
        movk    x1, #0x7fff
        bl      call
        movz    x0, #0x8000, lsl #16            // SMCCC_ARCH_FEATURES(WORKAROUND_3)
        movk    x0, #0x0001
        movz    x1, #0x8000, lsl #16
        movk    x1, #0x3fff
        bl      call
        movz    x0, #0xc400, lsl #16            // CPU_ON(0): this vCPU
        movk    x0, #0x0003
        mov     x1, #0
        bl      call
        movz    x0, #0xc400, lsl #16            // CPU_ON(1): no such vCPU
        movk    x0, #0x0003
        mov     x1, #1
        bl      call
        movz    x0, #0xc400, lsl #16            // AFFINITY_INFO(0, 0)
        movk    x0, #0x0004
        mov     x1, #0
        mov     x2, #0
        bl      call
        movz    x0, #0xc400, lsl #16            // AFFINITY_INFO(1, 0)
        movk    x0, #0x0004
        mov     x1, #1
        mov     x2, #0
        bl      call
        movz    x0, #0xc400, lsl #16            // AFFINITY_INFO(0, level 4)
        movk    x0, #0x0004
        mov     x1, #0
        mov     x2, #4
        bl      call
        movz    x0, #0x8400, lsl #16            // AFFINITY_INFO32(upper bits only: narrowed to 0)
        movk    x0, #0x0004
        movz    x1, #0xffff, lsl #32
        mov     x2, #0
        bl      call
        movz    x0, #0x8400, lsl #16            // MIGRATE_INFO_TYPE
        movk    x0, #0x0006
        bl      call
        movz    x0, #0x8400, lsl #16            // MIGRATE
        movk    x0, #0x0005
        bl      call
        movz    x0, #0x8400, lsl #16            // MIGRATE_INFO_UP_CPU
        movk    x0, #0x0007
        bl      call
        movz    x0, #0x8400, lsl #16            // PSCI function 0x1f: not one
        movk    x0, #0x001f
        bl      call
        movz    x0, #0x8400, lsl #16            // TRNG_VERSION
        movk    x0, #0x0050
        bl      call
        movz    x0, #0x8400, lsl #16            // TRNG_FEATURES(RND64)
        movk    x0, #0x0051
        movz    x1, #0xc400, lsl #16
        movk    x1, #0x0053
        bl      call
        movz    x0, #0x8400, lsl #16            // TRNG_GET_UUID
        movk    x0, #0x0052
        bl      call
        movz    x0, #0xc400, lsl #16            // TRNG_RND64(0 bits): invalid
        movk    x0, #0x0053
        mov     x1, #0
        bl      call
        movz    x0, #0x8600, lsl #16            // VENDOR_HYP_CALL_UID
        movk    x0, #0xff01
        bl      call
        movz    x0, #0x8600, lsl #16            // VENDOR_HYP_KVM_FEATURES
        bl      call
        movz    x0, #0xc500, lsl #16            // PV_TIME_FEATURES
        movk    x0, #0x0020
        movz    x1, #0xc500, lsl #16
        movk    x1, #0x0020
        bl      call
        movz    x0, #0xc500, lsl #16            // PV_TIME_ST
        movk    x0, #0x0021
        bl      call
        movz    x0, #0x8200, lsl #16            // SiP service: unknown
        bl      call
        // SMC: trapped by HCR_EL2.TSC, x0 = ~0
        mov     x0, #5
        mov     x1, #6
        smc     #0
        str     x0, [x20]
        str     x1, [x20]
        // Last: a load pair from MMIO has no valid ISS (KVM_RUN: ENOSYS)
        ldp     x4, x5, [x20, #0x40]
1:      b       1b

// One hypercall with x1..x3 made nonzero where unset, then x0..x3 reported.
call:
        hvc     #0
        str     x0, [x20]
        str     x1, [x20]
        str     x2, [x20]
        str     x3, [x20]
        mov     x1, #0x11
        mov     x2, #0x22
        mov     x3, #0x33
        ret
