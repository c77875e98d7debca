import { describe, expect, it } from "vitest";
import { RUNTIME, type SuiteContext } from "../suite-context.js";

/** Runs python that prints one line per probe; returns the lines. */
async function probe(context: SuiteContext, lines: string[]): Promise<string[]> {
  const result = await context.engine().execute({ runtime: RUNTIME, code: lines.join("\n") });
  expect(result.stderr).toBe("");
  return result.stdout.trim().split("\n");
}

export function hardeningCases(context: SuiteContext): void {
  const { timeout } = context;
  describe("hardening every engine gives", () => {
    it(
      "runs as the unprivileged sandbox user, with no capabilities and no way to gain privileges",
      async () => {
        const status = [
          "import os",
          "print(os.getuid(), os.getgid())",
          "fields = dict(line.split(':\\t', 1) for line in open('/proc/self/status').read().splitlines() if ':\\t' in line)",
          "print(fields['CapEff'].strip(), fields['CapPrm'].strip(), fields['NoNewPrivs'].strip())",
        ];
        expect(await probe(context, status)).toEqual(["1000 1000", "0000000000000000 0000000000000000 1"]);
      },
      timeout,
    );

    it(
      "has a read-only root filesystem and a writable /sandbox",
      async () => {
        const lines = await probe(context, [
          "import errno",
          "try:",
          "    open('/etc/isol8-probe', 'w')",
          "    print('root writable')",
          "except OSError as error:",
          "    print(errno.errorcode[error.errno])",
          "open('/sandbox/probe.txt', 'w').write('ok')",
          "print(open('/sandbox/probe.txt').read())",
        ]);
        expect(lines).toEqual(["EROFS", "ok"]);
      },
      timeout,
    );

    if (context.capabilities.loopbackOnly) {
      it(
        "has no network by default: loopback only, and no name resolves",
        async () => {
          const lines = await probe(context, [
            "import socket",
            "print(sorted(name for _, name in socket.if_nameindex()))",
            "try:",
            "    socket.getaddrinfo('pypi.org', 443)",
            "    print('resolved')",
            "except socket.gaierror:",
            "    print('no resolution')",
          ]);
          expect(lines).toEqual(["['lo']", "no resolution"]);
        },
        timeout,
      );
    } else if (context.capabilities.networkIsolation) {
      it(
        "has no network by default: no name resolves and nothing gets through, not even to the node",
        async () => {
          const listening = await context.listeningProbe?.();
          // The default gateway is the node. Connected or refused, the packets got there: a timeout (a policy
          // dropped them) or no route (the interface is down) shows they did not. A port that listens there, the
          // kubelet's, makes a leak plain. A server known to listen refuses nothing itself: there a refusal is a
          // policy's reject.
          const target = listening
            ? [`target = (${JSON.stringify(listening.host)}, ${listening.port})`]
            : [
                "route = [line.split() for line in open('/proc/net/route').read().splitlines()[1:]]",
                "gateway = next(socket.inet_ntoa(struct.pack('<L', int(f[2], 16))) for f in route if f[1] == '00000000')",
                `target = (gateway, ${context.egressProbePort})`,
              ];
          const blocked = listening
            ? "(errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ECONNREFUSED)"
            : "(errno.ENETUNREACH, errno.EHOSTUNREACH)";
          const lines = await probe(context, [
            "import errno, socket, struct",
            "try:",
            "    socket.getaddrinfo('pypi.org', 443)",
            "    print('resolved')",
            "except socket.gaierror:",
            "    print('no resolution')",
            ...target,
            "try:",
            "    socket.create_connection(target, timeout=3).close()",
            "    print('connected')",
            "except OSError as error:",
            `    unreachable = getattr(error, 'errno', None) in ${blocked}`,
            "    print('blocked' if unreachable or isinstance(error, (TimeoutError, socket.timeout)) else type(error).__name__)",
          ]);
          expect(lines).toEqual(["no resolution", "blocked"]);
        },
        timeout,
      );
    }

    if (context.capabilities.noexecTmp) {
      it(
        "refuses to run a binary from /tmp (noexec) but runs it from /sandbox",
        async () => {
          const lines = await probe(context, [
            "import errno, shutil, os, subprocess",
            "for where in ('/tmp/t', '/sandbox/t'):",
            "    shutil.copy('/bin/true', where)",
            "    os.chmod(where, 0o755)",
            "    try:",
            "        print(where, subprocess.run([where]).returncode)",
            "    except OSError as error:",
            "        print(where, errno.errorcode[error.errno])",
          ]);
          expect(lines).toEqual(["/tmp/t EACCES", "/sandbox/t 0"]);
        },
        timeout,
      );
    }
  });
}
