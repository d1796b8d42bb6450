// The Linux errno values the KVM ioctls return (include/uapi/asm-generic/errno-base.h and
// errno.h), and the names strerrorname_np prints (the probe's traces show these names).

export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  ENOEXEC: 8,
  EAGAIN: 11,
  ENOMEM: 12,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  EINVAL: 22,
  ENOSPC: 28,
  ERANGE: 34,
  ENOSYS: 38,
  EOPNOTSUPP: 95,
} as const;

export type ErrnoName = keyof typeof ERRNO;

/** An ioctl's failure: the errno the kernel would return. */
export class KvmError extends Error {
  override name = 'KvmError';
  constructor(
    readonly errno: ErrnoName,
    message?: string,
  ) {
    super(message ?? errno);
  }
}

export const isErrnoName = (s: string): s is ErrnoName => Object.hasOwn(ERRNO, s);
