/**
 * Docker's default seccomp profile (moby profiles/seccomp/default.json, as of
 * Docker 24/25), and the function that turns it into the `linux.seccomp` of
 * one container: rules gated on a capability, an architecture or a kernel
 * version are kept or dropped the way moby does it.
 *
 * The shape: deny everything with EPERM, allow a long list of ordinary
 * syscalls, allow a few only with safe arguments (personality, socket,
 * clone), and allow the dangerous ones only with the capability that the
 * kernel would demand anyway (mount with CAP_SYS_ADMIN, ptrace with
 * CAP_SYS_PTRACE, …). The filter is defence in depth: it blocks kernel attack
 * surface that capabilities do not cover well.
 */
import type { Seccomp, SeccompAction, SeccompArg, SeccompSyscall } from './spec.js';

/** A rule of the profile with moby's conditions: all `includes` must hold, no `excludes` may. */
export interface ProfileRule {
  readonly names: readonly string[];
  readonly action: SeccompAction;
  readonly errnoRet?: number;
  readonly args?: readonly SeccompArg[];
  readonly includes?: {
    /** Every one of these must be in the container's capabilities. */
    readonly caps?: readonly string[];
    /** The host architecture (Go's GOARCH names) must be one of these. */
    readonly arches?: readonly string[];
    /** The kernel must be at least this version. */
    readonly minKernel?: { readonly major: number; readonly minor: number };
  };
  readonly excludes?: {
    readonly caps?: readonly string[];
    readonly arches?: readonly string[];
  };
}

const EPERM = 1;
const ENOSYS = 38;
const AF_VSOCK = 40;

/** personality(2) values a container may switch to (PER_LINUX and friends, and the query 0xffffffff). */
const PERSONALITY_ALLOWED = [
  0x0, // PER_LINUX
  0x8, // PER_LINUX32
  0x20000, // UNAME26
  0x20008, // UNAME26 | PER_LINUX32
  0xffffffff, // query the current persona
];

/**
 * The clone(2) flags that create namespaces (CLONE_NEWNS | NEWCGROUP | NEWUTS
 * | NEWIPC | NEWUSER | NEWPID | NEWNET). Without CAP_SYS_ADMIN clone is
 * allowed only when all of them are clear.
 */
const CLONE_NAMESPACE_FLAGS = 0x7e020000;

const words = (s: string): readonly string[] => Object.freeze(s.trim().split(/\s+/));

/** Allowed for everyone. */
export const DEFAULT_ALLOWED_SYSCALLS: readonly string[] = words(`
  accept accept4 access adjtimex alarm bind brk capget capset chdir chmod chown chown32
  clock_adjtime clock_adjtime64 clock_getres clock_getres_time64 clock_gettime clock_gettime64
  clock_nanosleep clock_nanosleep_time64 close close_range connect copy_file_range creat
  dup dup2 dup3 epoll_create epoll_create1 epoll_ctl epoll_ctl_old epoll_pwait epoll_pwait2
  epoll_wait epoll_wait_old eventfd eventfd2 execve execveat exit exit_group
  faccessat faccessat2 fadvise64 fadvise64_64 fallocate fanotify_mark fchdir fchmod fchmodat
  fchown fchown32 fchownat fcntl fcntl64 fdatasync fgetxattr flistxattr flock fork
  fremovexattr fsetxattr fstat fstat64 fstatat64 fstatfs fstatfs64 fsync ftruncate ftruncate64
  futex futex_time64 futex_waitv futimesat getcpu getcwd getdents getdents64
  getegid getegid32 geteuid geteuid32 getgid getgid32 getgroups getgroups32 getitimer
  getpeername getpgid getpgrp getpid getppid getpriority getrandom getresgid getresgid32
  getresuid getresuid32 getrlimit get_robust_list getrusage getsid getsockname getsockopt
  get_thread_area gettid gettimeofday getuid getuid32 getxattr
  inotify_add_watch inotify_init inotify_init1 inotify_rm_watch
  io_cancel ioctl io_destroy io_getevents io_pgetevents io_pgetevents_time64 ioprio_get ioprio_set
  io_setup io_submit io_uring_enter io_uring_register io_uring_setup ipc kill
  landlock_add_rule landlock_create_ruleset landlock_restrict_self lchown lchown32 lgetxattr
  link linkat listen listxattr llistxattr _llseek lremovexattr lseek lsetxattr lstat lstat64
  madvise membarrier memfd_create memfd_secret mincore mkdir mkdirat mknod mknodat
  mlock mlock2 mlockall mmap mmap2 mprotect mq_getsetattr mq_notify mq_open
  mq_timedreceive mq_timedreceive_time64 mq_timedsend mq_timedsend_time64 mq_unlink mremap
  msgctl msgget msgrcv msgsnd msync munlock munlockall munmap name_to_handle_at nanosleep
  newfstatat _newselect open openat openat2 pause pidfd_open pidfd_send_signal pipe pipe2
  pkey_alloc pkey_free pkey_mprotect poll ppoll ppoll_time64 prctl pread64 preadv preadv2
  prlimit64 process_mrelease pselect6 pselect6_time64 pwrite64 pwritev pwritev2
  read readahead readlink readlinkat readv recv recvfrom recvmmsg recvmmsg_time64 recvmsg
  remap_file_pages removexattr rename renameat renameat2 restart_syscall rmdir rseq
  rt_sigaction rt_sigpending rt_sigprocmask rt_sigqueueinfo rt_sigreturn rt_sigsuspend
  rt_sigtimedwait rt_sigtimedwait_time64 rt_tgsigqueueinfo
  sched_getaffinity sched_getattr sched_getparam sched_get_priority_max sched_get_priority_min
  sched_getscheduler sched_rr_get_interval sched_rr_get_interval_time64 sched_setaffinity
  sched_setattr sched_setparam sched_setscheduler sched_yield seccomp select
  semctl semget semop semtimedop semtimedop_time64 send sendfile sendfile64 sendmmsg sendmsg sendto
  setfsgid setfsgid32 setfsuid setfsuid32 setgid setgid32 setgroups setgroups32 setitimer
  setpgid setpriority setregid setregid32 setresgid setresgid32 setresuid setresuid32
  setreuid setreuid32 setrlimit set_robust_list setsid setsockopt set_thread_area
  set_tid_address setuid setuid32 setxattr shmat shmctl shmdt shmget shutdown sigaltstack
  signalfd signalfd4 sigprocmask sigreturn socketcall socketpair splice stat stat64
  statfs statfs64 statx symlink symlinkat sync sync_file_range syncfs sysinfo tee tgkill time
  timer_create timer_delete timer_getoverrun timer_gettime timer_gettime64 timer_settime
  timer_settime64 timerfd_create timerfd_gettime timerfd_gettime64 timerfd_settime
  timerfd_settime64 times tkill truncate truncate64 ugetrlimit umask uname unlink unlinkat
  utime utimensat utimensat_time64 utimes vfork vmsplice wait4 waitid waitpid write writev
`);

const ALLOW: SeccompAction = 'SCMP_ACT_ALLOW';
const allowWithCap = (cap: string, names: string): ProfileRule => ({
  names: words(names),
  action: ALLOW,
  includes: { caps: [cap] },
});
const allowOnArches = (arches: readonly string[], names: string): ProfileRule => ({
  names: words(names),
  action: ALLOW,
  includes: { arches },
});

/** The profile's rules, in moby's order. */
export const DOCKER_SECCOMP_RULES: readonly ProfileRule[] = Object.freeze<ProfileRule[]>([
  { names: DEFAULT_ALLOWED_SYSCALLS, action: ALLOW },
  // Before 4.8, ptrace could be used to bypass seccomp entirely.
  { names: words('process_vm_readv process_vm_writev ptrace'), action: ALLOW, includes: { minKernel: { major: 4, minor: 8 } } },
  // AF_VSOCK sockets reach the host (or the hypervisor) directly; everything else is fine.
  { names: ['socket'], action: ALLOW, args: [{ index: 0, value: AF_VSOCK, op: 'SCMP_CMP_NE' }] },
  ...PERSONALITY_ALLOWED.map(
    (value): ProfileRule => ({ names: ['personality'], action: ALLOW, args: [{ index: 0, value, op: 'SCMP_CMP_EQ' }] }),
  ),
  allowOnArches(['ppc64le'], 'sync_file_range2 swapcontext'),
  allowOnArches(['arm', 'arm64'], 'arm_fadvise64_64 arm_sync_file_range sync_file_range2 breakpoint cacheflush set_tls'),
  allowOnArches(['amd64', 'x32'], 'arch_prctl'),
  allowOnArches(['amd64', 'x32', 'x86'], 'modify_ldt'),
  allowOnArches(['s390', 's390x'], 's390_pci_mmio_read s390_pci_mmio_write s390_runtime_instr'),
  allowOnArches(['riscv64'], 'riscv_flush_icache'),
  allowWithCap('CAP_DAC_READ_SEARCH', 'open_by_handle_at'),
  allowWithCap(
    'CAP_SYS_ADMIN',
    `bpf clone clone3 fanotify_init fsconfig fsmount fsopen fspick lookup_dcookie mount mount_setattr
     move_mount open_tree perf_event_open quotactl quotactl_fd setdomainname sethostname setns
     syslog umount umount2 unshare`,
  ),
  // Without CAP_SYS_ADMIN: threads and processes, but no new namespaces.
  {
    names: ['clone'],
    action: ALLOW,
    args: [{ index: 0, value: CLONE_NAMESPACE_FLAGS, op: 'SCMP_CMP_MASKED_EQ' }],
    excludes: { caps: ['CAP_SYS_ADMIN'], arches: ['s390', 's390x'] },
  },
  // s390 passes clone's arguments in a different order: the flags are the second.
  {
    names: ['clone'],
    action: ALLOW,
    args: [{ index: 1, value: CLONE_NAMESPACE_FLAGS, op: 'SCMP_CMP_MASKED_EQ' }],
    includes: { arches: ['s390', 's390x'] },
    excludes: { caps: ['CAP_SYS_ADMIN'] },
  },
  // clone3 takes its flags in memory, which seccomp cannot inspect. ENOSYS
  // (not EPERM) makes glibc and others fall back to clone, which is checked.
  { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS, excludes: { caps: ['CAP_SYS_ADMIN'] } },
  allowWithCap('CAP_SYS_BOOT', 'reboot'),
  allowWithCap('CAP_SYS_CHROOT', 'chroot'),
  allowWithCap('CAP_SYS_MODULE', 'delete_module init_module finit_module'),
  allowWithCap('CAP_SYS_PACCT', 'acct'),
  allowWithCap('CAP_SYS_PTRACE', 'kcmp pidfd_getfd process_madvise process_vm_readv process_vm_writev ptrace'),
  allowWithCap('CAP_SYS_RAWIO', 'iopl ioperm'),
  allowWithCap('CAP_SYS_TIME', 'settimeofday stime clock_settime clock_settime64'),
  allowWithCap('CAP_SYS_TTY_CONFIG', 'vhangup'),
  allowWithCap('CAP_SYS_NICE', 'get_mempolicy mbind set_mempolicy set_mempolicy_home_node'),
  allowWithCap('CAP_SYSLOG', 'syslog'),
  allowWithCap('CAP_BPF', 'bpf'),
  allowWithCap('CAP_PERFMON', 'perf_event_open'),
]);

/** By host architecture: the native one first, then those the same CPU also runs (32-bit, x32). */
export const SECCOMP_ARCH_MAP: Readonly<Record<string, readonly string[]>> = Object.freeze({
  amd64: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
  arm64: ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'],
  mips64: ['SCMP_ARCH_MIPS64', 'SCMP_ARCH_MIPS', 'SCMP_ARCH_MIPS64N32'],
  mips64le: ['SCMP_ARCH_MIPSEL64', 'SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64N32'],
  s390x: ['SCMP_ARCH_S390X', 'SCMP_ARCH_S390'],
  riscv64: ['SCMP_ARCH_RISCV64'],
});

/** Node's `process.arch` → the architecture names the profile uses (Go's GOARCH, plus "x86" for 32-bit x86). */
export const PROFILE_ARCH_BY_NODE_ARCH: Readonly<Record<string, string>> = Object.freeze({
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: 'x86',
  s390x: 's390x',
  s390: 's390',
  ppc64: 'ppc64le',
  riscv64: 'riscv64',
  mips64el: 'mips64le',
});

export interface DockerSeccompOptions {
  /** The host architecture in the profile's (Go) naming; default "amd64". */
  arch?: string;
  /** The host kernel version; default: new enough for every rule. */
  kernel?: { major: number; minor: number };
}

function keeps(rule: ProfileRule, caps: ReadonlySet<string>, arch: string, options: DockerSeccompOptions): boolean {
  const { includes: inc, excludes: exc } = rule;
  if (inc?.caps && !inc.caps.every((c) => caps.has(c))) return false;
  if (inc?.arches && !inc.arches.includes(arch)) return false;
  if (inc?.minKernel && options.kernel) {
    const k = options.kernel;
    const min = inc.minKernel;
    if (k.major < min.major || (k.major === min.major && k.minor < min.minor)) return false;
  }
  if (exc?.caps?.some((c) => caps.has(c))) return false;
  if (exc?.arches?.includes(arch)) return false;
  return true;
}

/**
 * Docker's default profile for a container with these capabilities (its
 * bounding set, "CAP_X" names). A fresh object each call.
 */
export function dockerDefaultSeccomp(capabilities: readonly string[], options: DockerSeccompOptions = {}): Seccomp {
  const arch = options.arch ?? 'amd64';
  const caps = new Set(capabilities);
  const syscalls: SeccompSyscall[] = [];
  for (const rule of DOCKER_SECCOMP_RULES) {
    if (!keeps(rule, caps, arch, options)) continue;
    const call: SeccompSyscall = { names: [...rule.names], action: rule.action };
    if (rule.errnoRet !== undefined) call.errnoRet = rule.errnoRet;
    if (rule.args !== undefined) call.args = rule.args.map((a) => ({ ...a }));
    syscalls.push(call);
  }
  const seccomp: Seccomp = { defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: EPERM, syscalls };
  const architectures = SECCOMP_ARCH_MAP[arch];
  if (architectures !== undefined) seccomp.architectures = [...architectures];
  return seccomp;
}

/**
 * Whether `profile` lets `syscall` through unconditionally: some rule allows
 * it without argument checks. A coarse reading for tests and diagnostics,
 * not the compiler's semantics.
 */
export function allowsUnconditionally(profile: Seccomp, syscall: string): boolean {
  return (profile.syscalls ?? []).some(
    (r) => r.action === 'SCMP_ACT_ALLOW' && r.names.includes(syscall) && (r.args === undefined || r.args.length === 0),
  );
}
