import { type AgentConnection, Isol8Error } from "@isol8/core";

/**
 * Run in each new sandbox pod before anything of the user's: connects to isol8's canary, a pod that listens and that
 * no sandbox policy lets anyone reach. Refused, unreachable or dropped means the pod's policy is in effect; connected
 * means it is not (yet): a network plugin such as kube-router learns a new pod's address from the API server and
 * enforces its policy a moment after the pod starts. It retries for about `$3` tenths of a second, then gives up.
 * A plugin that drops rather than rejects leaves the connect unanswered: after 0.25 s that counts as cut off. The
 * canary runs in the same cluster and answers a connect in well under a millisecond when it is reachable (the
 * bench's pods on one node: under 1 ms), so a quarter of a second is a wide margin, and the wait is paid once per
 * new pod.
 * Exit 0: isolated; 1: still connected; 2: the probe itself failed (its error on stderr).
 */
const PROBE = `
for attempt in $(seq "$3"); do
  out=$(timeout 0.25 /bin/bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>&1); code=$?
  [ "$code" -eq 0 ] && { sleep 0.1; continue; }
  [ "$code" -eq 124 ] && exit 0
  case "$out" in *refused*|*unreachable*|*"No route"*) exit 0 ;; esac
  printf '%s\\n' "$out" >&2
  exit 2
done
exit 1
`;

/** Where the canary listens. */
export interface Canary {
  address: string;
  port: number;
}

/** How long a new pod's policy may take to be enforced. */
const ENFORCEMENT_WAIT_TENTHS = 100;

/**
 * Throws SANDBOX_FAILED unless the pod is cut off from the canary: fail closed, so that untrusted code never runs in
 * a pod whose `none` or `filtered` policy the cluster does not (or not yet) enforce.
 */
export async function assertIsolated(agent: AgentConnection, canary: Canary): Promise<void> {
  const errors: Buffer[] = [];
  const exit = await agent.run(
    {
      argv: [
        "/bin/bash",
        "-c",
        PROBE,
        "isol8-probe",
        canary.address,
        String(canary.port),
        String(ENFORCEMENT_WAIT_TENTHS),
      ],
      env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
      cwd: "/",
    },
    { onStdout: () => undefined, onStderr: (chunk) => errors.push(chunk) },
  );
  if (exit.code === 0) return;
  if (exit.code === 1) {
    throw new Isol8Error(
      "SANDBOX_FAILED",
      `The cluster does not enforce the sandbox's NetworkPolicy: a new sandbox pod still reached isol8's canary pod (${canary.address}:${canary.port}) after ${ENFORCEMENT_WAIT_TENTHS / 10} s`,
      {
        hint: "Run a network plugin that enforces NetworkPolicy (docs/kubernetes.md), or set kubernetes.verifyNetworkPolicy to false to run sandboxes without that guarantee.",
      },
    );
  }
  throw new Isol8Error(
    "SANDBOX_FAILED",
    `Could not check the sandbox pod's network isolation: ${Buffer.concat(errors).toString().trim() || `the probe exited with ${exit.code}`}`,
    { hint: "The sandbox image needs /bin/bash and timeout (the isol8 images have both)." },
  );
}
