#!/bin/sh
# Builds the KVM ABI guests (raw images linked at 0x40000000, as ../../../../shared/kvm/guest.bin).
set -eu
cd "$(dirname "$0")"
for g in abi mmu; do  # guest.bin, guest.S: copies of ../../../../shared/kvm/ (built there)
  aarch64-linux-gnu-as -o "$g.o" "$g.S"
  aarch64-linux-gnu-ld -Ttext=0x40000000 -o "$g.elf" "$g.o"
  aarch64-linux-gnu-objcopy -O binary "$g.elf" "$g.bin"
  rm -f "$g.o" "$g.elf"
done
