import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isIsol8Error } from "@isol8/core";
import { afterAll, describe, expect, it } from "vitest";
import { loadSeccompProfile, readSeccompProfile } from "../../packages/docker/src/sandbox/seccomp.js";
import {
  HEADER_PATHS,
  PROFILE_PATH,
  policyProblems,
  readHeaderSyscalls,
  renderProfile,
  type SeccompProfile,
  undecidedSyscalls,
} from "../../tooling/generate-seccomp.js";

const profile = JSON.parse(readFileSync(PROFILE_PATH, "utf8")) as SeccompProfile;

const EPERM = 1;
const ENOSYS = 38;
type Verdict = "allow" | number;

/** What the profile does with one call, as libseccomp reads it: a matching rule wins, else the default. */
function verdict(name: string, args: readonly bigint[] = []): Verdict {
  for (const rule of profile.syscalls.filter((r) => r.names.includes(name))) {
    const matches = (rule.args ?? []).every((cond) => {
      const arg = args[cond.index] ?? 0n;
      if (cond.op === "SCMP_CMP_EQ") return arg === BigInt(cond.value);
      if (cond.op === "SCMP_CMP_MASKED_EQ") return (arg & BigInt(cond.value)) === BigInt(cond.valueTwo ?? 0);
      throw new Error(`unexpected op ${cond.op}`);
    });
    if (matches) return rule.action === "SCMP_ACT_ALLOW" ? "allow" : (rule.errnoRet ?? EPERM);
  }
  return profile.defaultErrnoRet;
}

/** Splits a whitespace-separated list of syscall names. */
const words = (text: string) => text.split(/\s+/).filter((word) => word !== "");

/** Allowed with no argument condition. */
const unconditionallyAllowed = new Set(
  profile.syscalls.filter((r) => r.action === "SCMP_ACT_ALLOW" && !r.args?.length).flatMap((r) => r.names),
);

/** Refused in every form (arg-filtered calls are tested with concrete arguments below). */
const DANGEROUS = words(`
  mount umount2 unshare setns pivot_root chroot ptrace process_vm_readv process_vm_writev kcmp
  pidfd_getfd keyctl add_key request_key bpf perf_event_open userfaultfd init_module finit_module
  delete_module kexec_load kexec_file_load reboot swapon swapoff acct quotactl quotactl_fd clock_settime
  clock_adjtime settimeofday adjtimex iopl ioperm open_by_handle_at name_to_handle_at lookup_dcookie
  fsopen fsconfig fsmount fspick move_mount open_tree mount_setattr syslog vhangup io_uring_setup
  io_uring_enter io_uring_register fanotify_init nfsservctl uselib ustat sysfs _sysctl create_module
  get_kernel_syms query_module modify_ldt sethostname setdomainname
`);

/**
 * What Docker's current default profile (moby profiles/seccomp/default.json) refuses to a container without
 * capabilities, listed from its rules: ours must refuse all of it too.
 */
const DOCKER_REFUSES_WITHOUT_CAPS = words(`
  acct add_key bpf chroot clock_settime create_module delete_module fanotify_init finit_module fsconfig
  fsmount fsopen fspick get_kernel_syms get_mempolicy init_module ioperm iopl kcmp kexec_file_load
  kexec_load keyctl lookup_dcookie mbind migrate_pages mount mount_setattr move_mount move_pages
  nfsservctl open_by_handle_at open_tree perf_event_open pidfd_getfd pivot_root process_madvise
  query_module quotactl quotactl_fd reboot request_key set_mempolicy set_mempolicy_home_node
  setdomainname sethostname setns settimeofday swapoff swapon sysfs syslog _sysctl umount2 unshare uselib
  userfaultfd ustat vhangup
`);

const CLONE = {
  VM: 0x100n,
  FS: 0x200n,
  FILES: 0x400n,
  SIGHAND: 0x800n,
  THREAD: 0x10000n,
  SYSVSEM: 0x40000n,
  SETTLS: 0x80000n,
  PARENT_SETTID: 0x100000n,
  CHILD_CLEARTID: 0x200000n,
  CHILD_SETTID: 0x1000000n,
  VFORK: 0x4000n,
};
const SIGCHLD = 17n;
const NAMESPACE_FLAGS = {
  CLONE_NEWNS: 0x20000n,
  CLONE_NEWCGROUP: 0x2000000n,
  CLONE_NEWUTS: 0x4000000n,
  CLONE_NEWIPC: 0x8000000n,
  CLONE_NEWUSER: 0x10000000n,
  CLONE_NEWPID: 0x20000000n,
  CLONE_NEWNET: 0x40000000n,
};
const AF = { UNIX: 1n, INET: 2n, INET6: 10n, NETLINK: 16n, PACKET: 17n, TIPC: 30n, ALG: 38n, VSOCK: 40n };

describe("docker/seccomp.json", () => {
  it("is what tooling/generate-seccomp.ts writes from docker/seccomp-policy.ts", () => {
    expect(policyProblems()).toEqual([]);
    expect(readFileSync(PROFILE_PATH, "utf8"), "stale: run `npx tsx tooling/generate-seccomp.ts`").toBe(
      renderProfile(),
    );
  });

  for (const [abi, header] of Object.entries(HEADER_PATHS)) {
    it.skipIf(!existsSync(header))(`decides every ${abi} syscall of ${header}`, () => {
      expect(undecidedSyscalls(readHeaderSyscalls(header))).toEqual([]);
    });
  }

  it("is an allow-list answering EPERM, for 64-bit ABIs only", () => {
    expect(profile.defaultAction).toBe("SCMP_ACT_ERRNO");
    expect(profile.defaultErrnoRet).toBe(EPERM);
    expect(verdict("no_such_syscall")).toBe(EPERM);
    // i386 would let `int 0x80` socketcall() bypass the socket family filter (libseccomp allows it wholly).
    const arches = profile.archMap.flatMap((a) => [a.architecture, ...a.subArchitectures]);
    expect(arches).not.toContain("SCMP_ARCH_X86");
    expect(arches).not.toContain("SCMP_ARCH_ARM");
    expect(arches).toContain("SCMP_ARCH_X86_64");
  });

  it.each(DANGEROUS)("never allows %s", (name) => {
    expect(unconditionallyAllowed.has(name)).toBe(false);
    expect(profile.syscalls.some((r) => r.action === "SCMP_ACT_ALLOW" && r.names.includes(name))).toBe(false);
    expect(verdict(name)).toBe(EPERM);
  });

  it("refuses everything Docker's default refuses without capabilities", () => {
    expect(DOCKER_REFUSES_WITHOUT_CAPS.filter((name) => verdict(name) === "allow")).toEqual([]);
  });

  it("answers clone3 with ENOSYS so libc falls back to clone", () => {
    expect(verdict("clone3")).toBe(ENOSYS);
  });

  it("allows clone for threads and processes, never with a namespace flag", () => {
    const thread =
      CLONE.VM |
      CLONE.FS |
      CLONE.FILES |
      CLONE.SIGHAND |
      CLONE.THREAD |
      CLONE.SYSVSEM |
      CLONE.SETTLS |
      CLONE.PARENT_SETTID |
      CLONE.CHILD_CLEARTID;
    expect(verdict("clone", [thread])).toBe("allow");
    expect(verdict("clone", [SIGCHLD | CLONE.CHILD_SETTID | CLONE.CHILD_CLEARTID])).toBe("allow");
    expect(verdict("clone", [CLONE.VM | CLONE.VFORK | SIGCHLD])).toBe("allow");
    for (const [flag, bit] of Object.entries(NAMESPACE_FLAGS)) {
      expect(verdict("clone", [bit | SIGCHLD]), flag).toBe(EPERM);
      expect(verdict("clone", [bit | thread]), flag).toBe(EPERM);
    }
  });

  it("allows sockets of AF_UNIX, AF_INET, AF_INET6 and NETLINK_ROUTE only", () => {
    for (const family of [AF.UNIX, AF.INET, AF.INET6])
      expect(verdict("socket", [family, 1n, 0n])).toBe("allow");
    expect(verdict("socket", [AF.NETLINK, 3n, 0n])).toBe("allow");
    expect(verdict("socket", [AF.NETLINK, 3n, 16n])).toBe(EPERM); // NETLINK_GENERIC
    expect(verdict("socket", [AF.NETLINK, 3n, 12n])).toBe(EPERM); // NETLINK_NETFILTER
    for (const family of [AF.VSOCK, AF.ALG, AF.PACKET, AF.TIPC, 0n, 45n]) {
      expect(verdict("socket", [family, 1n, 0n])).toBe(EPERM);
    }
    // The kernel reads the family as an int: high bits must not smuggle AF_VSOCK past the filter.
    expect(verdict("socket", [AF.VSOCK | (1n << 32n), 1n, 0n])).toBe(EPERM);
    expect(verdict("socketpair", [AF.UNIX, 1n, 0n])).toBe("allow");
    expect(verdict("socketpair", [AF.TIPC, 5n, 0n])).toBe(EPERM);
  });

  it("allows only the harmless personality values", () => {
    for (const value of [0x0n, 0x8n, 0x20000n, 0x20008n, 0xffffffffn]) {
      expect(verdict("personality", [value])).toBe("allow");
    }
    expect(verdict("personality", [0x0040000n])).toBe(EPERM); // ADDR_NO_RANDOMIZE
    expect(verdict("personality", [0x0400000n])).toBe(EPERM); // READ_IMPLIES_EXEC
  });

  it("keeps what ordinary programs need", () => {
    const needed = words(`
       read write openat mmap mprotect futex execve wait4 pipe2 epoll_pwait rseq statx pidfd_open close_range
       faccessat2 epoll_pwait2 memfd_create futex_waitv getrandom copy_file_range membarrier
       landlock_create_ruleset arch_prctl set_robust_list prlimit64 sched_getaffinity vfork fork connect
       accept4 ioctl madvise seccomp
    `);
    expect(needed.filter((name) => verdict(name) !== "allow")).toEqual([]);
  });
});

describe("loadSeccompProfile", () => {
  const dir = mkdtempSync(join(tmpdir(), "isol8-seccomp-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("gives the repository's profile as compact JSON text, read once", async () => {
    const text = await loadSeccompProfile();
    expect(JSON.parse(text)).toEqual(profile);
    expect(text).not.toContain("\n");
    expect(await loadSeccompProfile()).toBe(text);
  });

  it("uses the next candidate when the first is missing or lacks its marker", async () => {
    const copy = join(dir, "seccomp.json");
    writeFileSync(copy, readFileSync(PROFILE_PATH));
    const text = await readSeccompProfile([
      { path: join(dir, "missing.json") },
      { path: copy, marker: join(dir, "no-marker.ts") },
      { path: copy },
    ]);
    expect(JSON.parse(text)).toEqual(profile);
  });

  it("fails with INTERNAL when no profile exists or one is not an allow-list", async () => {
    const missing = readSeccompProfile([{ path: join(dir, "missing.json") }]);
    await expect(missing).rejects.toSatisfy((error) => isIsol8Error(error) && error.code === "INTERNAL");
    const weak = join(dir, "weak.json");
    writeFileSync(weak, JSON.stringify({ defaultAction: "SCMP_ACT_ALLOW", syscalls: [] }));
    await expect(readSeccompProfile([{ path: weak }])).rejects.toThrow(/not an allow-list/);
  });
});
