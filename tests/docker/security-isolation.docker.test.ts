import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { probeResults, probeScript, runControl } from "./helpers/security.js";
import { type WatchedEngine, waitUntilGone, watchedEngine } from "./helpers/watched-engine.js";

/*
 * Isolation: what a program may not touch. Each probe asserts the exact exception class and errno (a NameError or
 * ImportError in a probe can never pass for a refusal). Protections that the library cannot relax are relaxed in a
 * control container instead: a plain `docker run` of the same image with that one protection left out (helpers/
 * security.ts `runControl`), which shows what the probe sees without it.
 */

let watched: WatchedEngine;
const probe = async (body: string) => {
  const result = await watched.engine.execute({ runtime: "python", code: probeScript(body) });
  expect(result.stderr).toBe("");
  expect(result.exitCode).toBe(0);
  return probeResults(result.stdout);
};
const control = (flags: string[], body: string) => {
  const result = runControl(flags, probeScript(body));
  expect(result.stderr).toBe("");
  return probeResults(result.stdout);
};

beforeAll(async () => {
  watched = await watchedEngine();
});

afterAll(async () => {
  await watched.close();
  expect(await waitUntilGone(watched.started())).toEqual([]);
});

describe("file system", () => {
  it("refuses writes outside /sandbox and /tmp with EROFS (read-only root)", async () => {
    const body = `
probe("etc", lambda: open("/etc/x", "w").close())
probe("usr", lambda: open("/usr/local/bin/x", "w").close())
probe("var_tmp", lambda: open("/var/tmp/x", "w").close())
probe("run_lock", lambda: open("/run/lock/x", "w").close())
probe("sandbox", lambda: open("/sandbox/x", "w").close())
`;
    // Proves ReadonlyRootfs: the sandbox user lacks write permission on /etc anyway, but that is EACCES (13);
    // EROFS (30) comes only from the read-only mount, which also closes the world-writable /var/tmp and /run/lock.
    const erofs = { error: "OSError", errno: 30 };
    expect(await probe(body)).toMatchObject({
      etc: erofs,
      usr: erofs,
      var_tmp: erofs,
      run_lock: erofs,
      sandbox: { ok: null },
    });
    // Control: on a writable root, /etc gives EACCES instead, and the world-writable directories take the file.
    expect(control([], body)).toMatchObject({
      etc: { error: "PermissionError", errno: 13 },
      var_tmp: { ok: null },
      run_lock: { ok: null },
    });
  });

  it("refuses to execute a binary from /tmp (noexec), while the same binary runs from /sandbox", async () => {
    // Proves the noexec mount of /tmp: the copy in /sandbox is byte-identical and executable, so only the mount
    // option can be what blocks the copy in /tmp.
    const body = `
import shutil, subprocess
for place in ("/tmp", "/sandbox"):
    shutil.copy("/usr/bin/id", place + "/id")
    os.chmod(place + "/id", 0o755)
probe("tmp", lambda: subprocess.run(["/tmp/id", "-u"], capture_output=True, text=True).stdout)
probe("sandbox", lambda: subprocess.run(["/sandbox/id", "-u"], capture_output=True, text=True).stdout)
`;
    expect(await probe(body)).toEqual({
      tmp: { error: "PermissionError", errno: 13, message: "[Errno 13] Permission denied: '/tmp/id'" },
      sandbox: { ok: "1000\n" },
    });
  });
});

describe("privileges", () => {
  it("runs as uid 1000 with no capabilities at all (cap-drop ALL empties even the bounding set)", async () => {
    const body = `
status = dict(line.split(":\\t", 1) for line in open("/proc/self/status").read().splitlines() if ":\\t" in line)
probe("ids", lambda: [os.getuid(), os.geteuid(), os.getgid(), os.getegid()])
probe("caps", lambda: {k: status[k].strip() for k in ("CapPrm", "CapEff", "CapBnd", "CapAmb")})
probe("setuid", lambda: os.setuid(0))
`;
    const zero = "0000000000000000";
    expect(await probe(body)).toMatchObject({
      ids: { ok: [1000, 1000, 1000, 1000] },
      caps: { ok: { CapPrm: zero, CapEff: zero, CapBnd: zero, CapAmb: zero } },
      // Non-root without CAP_SETUID.
      setuid: { error: "PermissionError", errno: 1 },
    });
    // Control: without cap-drop the bounding set holds Docker's defaults, which a setuid-root program could use.
    const relaxed = control([], body);
    expect(relaxed.caps).toMatchObject({ ok: { CapBnd: expect.not.stringMatching(/^0+$/) } });
  });

  it("gives a setuid-root binary (su) no root: no-new-privileges keeps its euid at 1000", async () => {
    // Proves no-new-privileges. su is setuid root in the image; it waits at its password prompt, where its
    // credentials after exec can be read from /proc (once it prompts: exec commits them after the exec'ing
    // parent already sees the child's close-on-exec pipe close).
    const body = `
import subprocess
assert os.stat("/usr/bin/su").st_mode & 0o4000 and os.stat("/usr/bin/su").st_uid == 0
su = subprocess.Popen(["/usr/bin/su", "root", "-c", "id -u"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
prompt = b""
while b"Password:" not in prompt:
    prompt += os.read(su.stderr.fileno(), 64)
def uids():
    for line in open(f"/proc/{su.pid}/status"):
        if line.startswith("Uid:"):
            return [int(n) for n in line.split()[1:]]
probe("su_uids", uids)
probe("no_new_privs", lambda: libc("prctl", 39, 0, 0, 0, 0))
su.kill()
`;
    expect(await probe(body)).toMatchObject({
      // real, effective, saved, file-system uid
      su_uids: { ok: [1000, 1000, 1000, 1000] },
      no_new_privs: { ok: 1 },
    });
    // Control: the same container without no-new-privileges (capabilities still dropped): su becomes euid 0.
    expect(control(["--cap-drop", "ALL"], body)).toMatchObject({
      su_uids: { ok: [1000, 0, 0, 0] },
      no_new_privs: { ok: 0 },
    });
  });
});

describe("seccomp (docker/seccomp.json, from docker/seccomp-policy.ts)", () => {
  const body = `
probe("mount", lambda: libc("mount", b"none", b"/sandbox", b"tmpfs", ctypes.c_ulong(0), None))
probe("mount_missing_target", lambda: libc("mount", b"none", b"/nonexistent", b"tmpfs", ctypes.c_ulong(0), None))
probe("unshare_user", lambda: libc("unshare", 0x10000000))
probe("unshare_net", lambda: libc("unshare", 0x40000000))
probe("ptrace_traceme", lambda: libc("ptrace", ctypes.c_long(0), 0, None, None))
probe("ptrace_attach_1", lambda: libc("ptrace", ctypes.c_long(16), 1, None, None))
_params = ctypes.create_string_buffer(120)
probe("io_uring_setup", lambda: libc("syscall", ctypes.c_long(425), ctypes.c_long(1), _params))
import socket
probe("netlink_generic", lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 16).close())
probe("netlink_route", lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 0).close())
`;

  it("refuses mount, unshare, ptrace, io_uring and netlink other than NETLINK_ROUTE with EPERM (errno 1) exactly", async () => {
    const eperm = { error: "PermissionError", errno: 1 };
    expect(await probe(body)).toMatchObject({
      mount: eperm,
      mount_missing_target: eperm,
      unshare_user: eperm,
      unshare_net: eperm,
      ptrace_traceme: eperm,
      ptrace_attach_1: eperm,
      io_uring_setup: eperm,
      netlink_generic: eperm,
      // getifaddrs() needs it.
      netlink_route: { ok: null },
    });
  });

  it("is what refuses them: without the profile they succeed, and Docker's default is looser", () => {
    // Control 1, no seccomp at all: an unprivileged user namespace and PTRACE_TRACEME succeed, and mount reaches
    // the kernel's path lookup (ENOENT) — so the EPERM above came from the filter, before the kernel looked.
    expect(control(["--cap-drop", "ALL", "--security-opt", "seccomp=unconfined"], body)).toMatchObject({
      mount_missing_target: { error: "FileNotFoundError", errno: 2 },
      unshare_user: { ok: 0 },
      ptrace_traceme: { ok: 0 },
    });
    // Control 2, Docker's default profile: ptrace, io_uring and every netlink family are allowed there; isol8's
    // profile is tighter.
    expect(control(["--cap-drop", "ALL"], body)).toMatchObject({
      unshare_user: { error: "PermissionError", errno: 1 },
      ptrace_traceme: { ok: 0 },
      io_uring_setup: { ok: expect.any(Number) },
      netlink_generic: { ok: null },
    });
  });

  it("kills a process that makes an i386 system call (int 0x80) with SIGSYS; Docker's default lets it through", async () => {
    // Proves the i386 decision (no SCMP_ARCH_X86 in the profile): a 64-bit process that switches to the i386
    // table through int 0x80 would otherwise reach socketcall(), where no argument filter applies.
    const i386 = `
import ctypes, mmap, os
code = bytes([0xB8, 0x14, 0, 0, 0, 0xCD, 0x80, 0xC3])  # mov eax, 20 (i386 getpid); int 0x80; ret
page = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
page.write(code)
getpid = ctypes.CFUNCTYPE(ctypes.c_int)(ctypes.addressof(ctypes.c_char.from_buffer(page)))
print("i386 getpid", getpid() == os.getpid(), flush=True)
`;
    const result = await watched.engine.execute({ runtime: "python", code: i386 });
    expect(result).toMatchObject({ signal: "SIGSYS", exitCode: 128 + 31, stdout: "", oomKilled: false });
    // Control: under Docker's default profile (which lists SCMP_ARCH_X86) the call succeeds.
    expect(runControl(["--cap-drop", "ALL"], i386).stdout).toBe("i386 getpid True\n");
  });
});

describe("network none", () => {
  const body = `
import socket, time
probe("interfaces", lambda: socket.if_nameindex())
probe("dns", lambda: socket.getaddrinfo("pypi.org", 443))
probe("localhost_resolves", lambda: sorted({a[4][0] for a in socket.getaddrinfo("localhost", 80, socket.AF_INET)}))
def tcp():
    started = time.monotonic()
    try:
        socket.create_connection(("192.0.2.1", 80), timeout=10)
    finally:
        print("tcp took", round(time.monotonic() - started, 3), flush=True)
probe("tcp", tcp)
probe("udp", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("192.0.2.1", 53)))
def loopback():
    server = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(server.getsockname(), timeout=5)
    client.sendall(b"ping")
    return server.accept()[0].recv(4).decode()
probe("loopback", loopback)
`;

  it("has only lo: DNS fails with EAI_AGAIN and connects fail locally with ENETUNREACH", async () => {
    // Proves NetworkMode none. 192.0.2.1 is TEST-NET-1 (RFC 5737): with no route, connect fails inside the
    // sandbox's own kernel namespace before any packet exists, which is why it returns at once (a reachable
    // network would time out or answer). There is no control with a network: that would send packets out.
    const result = await watched.engine.execute({ runtime: "python", code: probeScript(body) });
    const outcomes = probeResults(result.stdout);
    expect(outcomes).toMatchObject({
      interfaces: { ok: [[1, "lo"]] },
      dns: { error: "gaierror", errno: -3, message: "[Errno -3] Temporary failure in name resolution" },
      localhost_resolves: { ok: ["127.0.0.1"] },
      tcp: { error: "OSError", errno: 101, message: "[Errno 101] Network is unreachable" },
      udp: { error: "OSError", errno: 101 },
      // Sockets themselves work (the refusals are not seccomp's): loopback stays usable.
      loopback: { ok: "ping" },
    });
    const took = Number(/^tcp took ([\d.]+)$/m.exec(result.stdout)?.[1]);
    expect(took).toBeLessThan(1);
  });

  it("refuses raw and packet sockets with EPERM", async () => {
    // Proves the capability drop and non-root user (no CAP_NET_RAW); AF_PACKET is also outside seccomp's socket
    // family allow-list. Either layer alone refuses, so no single relaxation flips this probe.
    const raw = `
import socket
probe("inet_raw", lambda: socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP).close())
probe("inet6_raw", lambda: socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6).close())
probe("packet", lambda: socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0).close())
`;
    const eperm = { error: "PermissionError", errno: 1 };
    expect(await probe(raw)).toMatchObject({ inet_raw: eperm, inet6_raw: eperm, packet: eperm });
    // Control: root with Docker's default capabilities (CAP_NET_RAW) and profile opens them (network none: the
    // sockets exist, nothing is sent).
    expect(control(["--user", "0"], raw)).toMatchObject({
      inet_raw: { ok: null },
      inet6_raw: { ok: null },
      packet: { ok: null },
    });
  });
});

describe("the agent is PID 1", () => {
  it("cannot be killed, read or written by the program", async () => {
    // Proves the agent's own protections: the kernel ignores SIGKILL to a PID namespace's init from inside it;
    // the agent drops stop requests that come from inside (sender pid != 0); it is not dumpable, so its /proc
    // entries (fds, memory, environment) belong to root, and the program cannot write frames to the host channel.
    const body = `
import signal
for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGKILL):
    probe(sig.name, lambda sig=sig: os.kill(1, sig))
probe("fd1", lambda: open("/proc/1/fd/1", "wb").close())
probe("fd0", lambda: open("/proc/1/fd/0", "wb").close())
probe("mem", lambda: open("/proc/1/mem", "rb").read(1))
probe("environ", lambda: open("/proc/1/environ", "rb").read())
__import__("time").sleep(0.3)
probe("still_there", lambda: open("/proc/1/cmdline").read())
`;
    const eacces = { error: "PermissionError", errno: 13 };
    // The result arriving at all shows the agent survived to report it.
    expect(await probe(body)).toMatchObject({
      SIGTERM: { ok: null },
      SIGINT: { ok: null },
      SIGHUP: { ok: null },
      SIGKILL: { ok: null },
      fd1: eacces,
      fd0: eacces,
      mem: eacces,
      environ: eacces,
      still_there: { ok: "/usr/local/bin/isol8-agent\u0000" },
    });
  });

  it("reports the real exit code when the program prints a forged exit frame", async () => {
    // The program's stdout is a pipe that the agent wraps in its own frames: bytes shaped like an exit frame
    // (type X, length 12, code 0) arrive as output, and the exit code is the one the kernel reported.
    const code = `
import sys
sys.stdout.buffer.write(b"X\\x00\\x00\\x00\\x0c" + bytes(12))
sys.stdout.flush()
sys.exit(3)
`;
    const result = await watched.engine.execute({ runtime: "python", code });
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toBe(`X\u0000\u0000\u0000\f${"\u0000".repeat(12)}`);
  });
});

describe("the CLI reports the same refusals", () => {
  it("EROFS through `isol8 run`", async () => {
    const result = await runCli(["run", "-r", "python", "-e", "open('/etc/x', 'w')"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("OSError: [Errno 30] Read-only file system: '/etc/x'");
  });
});
