/**
 * The seccomp policy of every sandbox, as data. `tooling/generate-seccomp.ts` turns it into
 * `docker/seccomp.json` (run `npx tsx tooling/generate-seccomp.ts` after any change; a unit test fails while
 * the JSON is stale).
 *
 * An allow-list: a syscall not named here fails with EPERM. Every syscall of the kernel headers is decided on
 * purpose (x86-64 and x32 tables; the generator refuses to run while one is undecided). The policy is never
 * weaker than Docker's default profile for a container without capabilities, and tighter where no runtime
 * needs the call. runc skips names that its libseccomp does not know, so names from newer kernels can sit
 * here safely (on older engines those calls then fail with ENOSYS, which libc expects).
 */

/** What one syscall rule argument comparison means; mirrors the OCI / Docker profile format. */
export interface ArgCondition {
  index: number;
  op: "SCMP_CMP_EQ" | "SCMP_CMP_MASKED_EQ";
  value: number;
  /** For SCMP_CMP_MASKED_EQ: the value that `arg & value` must equal. */
  valueTwo?: number;
}

export interface ArgRule {
  name: string;
  /** All conditions must hold (AND); several rules for one syscall are alternatives (OR). */
  args: readonly ArgCondition[];
  reason: string;
}

export interface DeniedEntry {
  names: readonly string[];
  reason: string;
  /** @default 1 (EPERM) */
  errno?: number;
}

/**
 * The 64-bit ABIs only. No i386 (SCMP_ARCH_X86), although Docker lists it: libseccomp turns every
 * argument-filtered socket rule into an unconditional `socketcall(SYS_SOCKET)` allow on i386, which a 64-bit
 * process reaches through `int 0x80` (measured: AF_VSOCK sockets opened despite the family filter). Without
 * it any i386 or arm32 syscall kills the process (SIGSYS), which also closes the compat syscall layer; our
 * runtimes are all 64-bit.
 */
export const ARCHITECTURES: Readonly<Record<string, readonly string[]>> = {
  SCMP_ARCH_X86_64: ["SCMP_ARCH_X32"],
  SCMP_ARCH_AARCH64: [],
};

/** Splits a whitespace-separated list of syscall names. */
function names(text: string): readonly string[] {
  return text.split(/\s+/).filter((name) => name !== "");
}

/**
 * Allowed without conditions, grouped by purpose. Names newer than the 6.1 headers of Debian 12 (cachestat,
 * fchmodat2, futex_wait, mseal, …) are decided here too; arm64 uses a subset of these names.
 */
export const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  files: names(`
    access chdir chmod chown close close_range copy_file_range creat dup dup2 dup3 faccessat faccessat2
    fadvise64 fallocate fchdir fchmod fchmodat fchmodat2 fchown fchownat fcntl fdatasync flock fstat fstatfs
    fsync ftruncate futimesat getcwd getdents getdents64 lchown link linkat lseek lstat mkdir mkdirat mknod
    mknodat newfstatat open openat openat2 pipe pipe2 pread64 preadv preadv2 pwrite64 pwritev pwritev2 read
    readahead readlink readlinkat readv rename renameat renameat2 rmdir sendfile splice stat statfs statx
    symlink symlinkat sync sync_file_range syncfs tee truncate umask unlink unlinkat utime utimensat utimes
    vmsplice write writev ioctl cachestat file_getattr file_setattr
  `),
  "extended attributes": names(`
    fgetxattr flistxattr fremovexattr fsetxattr getxattr lgetxattr listxattr llistxattr lremovexattr lsetxattr
    removexattr setxattr getxattrat listxattrat removexattrat setxattrat
  `),
  "events and polling": names(`
    epoll_create epoll_create1 epoll_ctl epoll_pwait epoll_pwait2 epoll_wait eventfd eventfd2
    inotify_add_watch inotify_init inotify_init1 inotify_rm_watch poll ppoll pselect6 select signalfd
    signalfd4
  `),
  "asynchronous I/O (the old AIO interface, not io_uring)": names(`
    io_cancel io_destroy io_getevents io_pgetevents io_setup io_submit
  `),
  memory: names(`
    brk madvise membarrier memfd_create memfd_secret mincore mlock mlock2 mlockall mmap mprotect mremap mseal
    msync munlock munlockall munmap pkey_alloc pkey_free pkey_mprotect remap_file_pages map_shadow_stack
  `),
  "processes and threads (clone is argument-filtered below)": names(`
    arch_prctl capget capset execve execveat exit exit_group fork get_robust_list get_thread_area getcpu
    getpgid getpgrp getpid getppid getpriority getrlimit getrusage getsid gettid pidfd_open pidfd_send_signal
    prctl prlimit64 process_mrelease restart_syscall rseq seccomp set_robust_list set_thread_area
    set_tid_address setpgid setpriority setrlimit setsid uretprobe vfork wait4 waitid landlock_add_rule
    landlock_create_ruleset landlock_restrict_self
  `),
  "identity (without capabilities these can only drop or keep ids)": names(`
    getegid geteuid getgid getgroups getresgid getresuid getuid setfsgid setfsuid setgid setgroups setregid
    setresgid setresuid setreuid setuid
  `),
  scheduling: names(`
    sched_get_priority_max sched_get_priority_min sched_getaffinity sched_getattr sched_getparam
    sched_getscheduler sched_rr_get_interval sched_setaffinity sched_setattr sched_setparam sched_setscheduler
    sched_yield ioprio_get ioprio_set
  `),
  "signals and synchronisation": names(`
    futex futex_requeue futex_wait futex_waitv futex_wake kill pause rt_sigaction rt_sigpending rt_sigprocmask
    rt_sigqueueinfo rt_sigreturn rt_sigsuspend rt_sigtimedwait rt_tgsigqueueinfo sigaltstack tgkill tkill
  `),
  "time (reading it; setting it is denied)": names(`
    alarm clock_getres clock_gettime clock_nanosleep getitimer gettimeofday nanosleep setitimer time
    timer_create timer_delete timer_getoverrun timer_gettime timer_settime timerfd_create timerfd_gettime
    timerfd_settime times
  `),
  "System V and POSIX IPC (private to the container's IPC namespace)": names(`
    mq_getsetattr mq_notify mq_open mq_timedreceive mq_timedsend mq_unlink msgctl msgget msgrcv msgsnd semctl
    semget semop semtimedop shmat shmctl shmdt shmget
  `),
  "networking (socket and socketpair are argument-filtered below)": names(`
    accept accept4 bind connect getpeername getsockname getsockopt listen recvfrom recvmmsg recvmsg sendmmsg
    sendmsg sendto setsockopt shutdown
  `),
  "system information": names(`
    getrandom sysinfo uname
  `),
};

// Bits of clone's flags that create namespaces; clone is allowed only when none is set.
const CLONE_NEWNS = 0x00020000;
const CLONE_NEWCGROUP = 0x02000000;
const CLONE_NEWUTS = 0x04000000;
const CLONE_NEWIPC = 0x08000000;
const CLONE_NEWUSER = 0x10000000;
const CLONE_NEWPID = 0x20000000;
const CLONE_NEWNET = 0x40000000;
export const CLONE_NAMESPACE_FLAGS =
  CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET;

/** Socket families a sandbox may open: an allow-list, compared on the full 64-bit register. */
export const SOCKET_FAMILIES = { AF_UNIX: 1, AF_INET: 2, AF_INET6: 10 } as const;
const AF_NETLINK = 16;
const NETLINK_ROUTE = 0;

/** personality() values Docker allows: query (0xffffffff), Linux, and the 32-bit / UNAME26 variants. */
export const PERSONALITIES = [0x0, 0x8, 0x20000, 0x20008, 0xffffffff] as const;

/** Allowed only with these arguments; any other arguments fall to the default EPERM. */
export const ARG_RULES: readonly ArgRule[] = [
  {
    name: "clone",
    args: [{ index: 0, op: "SCMP_CMP_MASKED_EQ", value: CLONE_NAMESPACE_FLAGS, valueTwo: 0 }],
    reason: "threads and processes, but no new namespaces (flags are argument 0 on x86-64 and arm64)",
  },
  ...Object.entries(SOCKET_FAMILIES).map(([family, value]) => ({
    name: "socket",
    args: [{ index: 0, op: "SCMP_CMP_EQ" as const, value }],
    reason: `${family} sockets`,
  })),
  {
    name: "socket",
    args: [
      { index: 0, op: "SCMP_CMP_EQ", value: AF_NETLINK },
      { index: 2, op: "SCMP_CMP_EQ", value: NETLINK_ROUTE },
    ],
    reason: "NETLINK_ROUTE only: getifaddrs() and getaddrinfo(AI_ADDRCONFIG) read interfaces through it",
  },
  {
    name: "socketpair",
    args: [{ index: 0, op: "SCMP_CMP_EQ", value: SOCKET_FAMILIES.AF_UNIX }],
    reason: "AF_UNIX pairs only (AF_TIPC also implements socketpair)",
  },
  ...PERSONALITIES.map((value) => ({
    name: "personality",
    args: [{ index: 0, op: "SCMP_CMP_EQ" as const, value }],
    reason: "harmless execution domains only; never ADDR_NO_RANDOMIZE or READ_IMPLIES_EXEC",
  })),
];

const REMOVED = "removed from Linux; nothing current calls it";

/** Refused on purpose, each with why. Listed in the JSON too, so the reason travels with the profile. */
export const DENIED: readonly DeniedEntry[] = [
  {
    names: ["clone3"],
    errno: 38,
    reason: "ENOSYS so libc and runtimes fall back to clone, whose flags seccomp can see",
  },
  { names: ["mount", "umount2"], reason: "mounting file systems" },
  {
    names: ["fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr"],
    reason: "the new mount API",
  },
  {
    names: ["open_tree_attr", "listmount", "statmount"],
    reason: "newer mount API calls; /proc/self/mountinfo suffices",
  },
  { names: ["pivot_root", "chroot"], reason: "changing the root directory" },
  {
    names: ["unshare", "setns"],
    reason: "creating or entering namespaces (user namespaces reopen capabilities)",
  },
  {
    names: ["ptrace", "process_vm_readv", "process_vm_writev"],
    reason: "reading or writing other processes' memory",
  },
  {
    names: ["kcmp", "pidfd_getfd", "process_madvise"],
    reason: "inspecting or acting on other processes' resources",
  },
  { names: ["keyctl", "add_key", "request_key"], reason: "kernel keyrings are not namespaced" },
  { names: ["bpf"], reason: "eBPF programs: a large kernel attack surface" },
  { names: ["perf_event_open"], reason: "performance counters: kernel attack surface and side channels" },
  { names: ["userfaultfd"], reason: "lets an exploit pause the kernel mid-copy to win races" },
  {
    names: ["io_uring_setup", "io_uring_enter", "io_uring_register"],
    reason: "io_uring: many kernel privilege escalations, and seccomp cannot see the operations it runs",
  },
  { names: ["init_module", "finit_module", "delete_module"], reason: "loading and unloading kernel modules" },
  { names: ["create_module", "get_kernel_syms", "query_module"], reason: REMOVED },
  { names: ["kexec_load", "kexec_file_load", "reboot"], reason: "rebooting or replacing the host kernel" },
  { names: ["swapon", "swapoff"], reason: "host swap devices" },
  { names: ["acct"], reason: "host-wide process accounting" },
  { names: ["quotactl", "quotactl_fd"], reason: "file-system quotas" },
  {
    names: ["clock_settime", "clock_adjtime", "settimeofday", "adjtimex"],
    reason:
      "the system clock is not namespaced (adjtimex and clock_adjtime also read it; nothing we run does)",
  },
  { names: ["iopl", "ioperm"], reason: "direct hardware I/O port access" },
  {
    names: ["modify_ldt"],
    reason: "16-bit segment descriptors: past kernel bugs, no 64-bit runtime needs them",
  },
  {
    names: ["open_by_handle_at", "name_to_handle_at"],
    reason: "file handles bypass path checks (container escapes)",
  },
  { names: ["lookup_dcookie"], reason: "oprofile kernel interface" },
  { names: ["syslog"], reason: "the kernel log leaks host details and kernel addresses" },
  { names: ["vhangup"], reason: "hangs up the controlling terminal" },
  { names: ["sethostname", "setdomainname"], reason: "host and domain name" },
  { names: ["fanotify_init", "fanotify_mark"], reason: "file-system wide monitoring" },
  {
    names: [
      "get_mempolicy",
      "mbind",
      "set_mempolicy",
      "set_mempolicy_home_node",
      "migrate_pages",
      "move_pages",
    ],
    reason: "NUMA placement, also of other processes' pages (Docker gates it on CAP_SYS_NICE)",
  },
  {
    names: ["lsm_get_self_attr", "lsm_list_modules", "lsm_set_self_attr"],
    reason: "LSM attributes (setting changes the process's own label); /proc/self/attr covers reads",
  },
  { names: ["nfsservctl", "uselib", "ustat", "sysfs", "_sysctl"], reason: REMOVED },
  {
    names: [
      "afs_syscall",
      "getpmsg",
      "putpmsg",
      "security",
      "tuxcall",
      "vserver",
      "epoll_ctl_old",
      "epoll_wait_old",
    ],
    reason: "not implemented by Linux on x86-64 (always ENOSYS); nothing calls it",
  },
];
