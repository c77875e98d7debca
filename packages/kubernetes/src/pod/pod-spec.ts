import type { Limits } from "@isol8/core";
import type { V1Pod } from "@kubernetes/client-node";
import { LABELS } from "../labels.js";

/** uid and gid of the `sandbox` user of isol8:base. Forced even for images that say otherwise. */
export const SANDBOX_UID = 1000;
export const SANDBOX_DIR = "/sandbox";
/** The one container of every sandbox pod; execs name it. */
export const SANDBOX_CONTAINER = "sandbox";
/** The agent of isol8:base: PID 1 of the pod (it reaps orphans) and, exec'd, the one each connection talks to. */
export const AGENT_PATH = "/usr/local/bin/isol8-agent";

export type ImagePullPolicy = "Always" | "IfNotPresent" | "Never";

export interface PodSpecInput {
  name: string;
  image: string;
  runtime: string;
  limits: Limits;
  imagePullPolicy: ImagePullPolicy;
  /** The network label that puts the pod under a NetworkPolicy ("none": egress denied). */
  network: string;
  /** The kubelet ends the pod after this long whatever happens: the backstop when the host is gone. */
  activeDeadlineSeconds: number;
  /** A RuntimeClass such as gVisor's or Kata's; the cluster's default runtime when absent. */
  runtimeClassName?: string | undefined;
  /** A seccomp profile on the node (`localhostProfile`, relative to the kubelet's seccomp folder); else RuntimeDefault. */
  seccompLocalhostProfile?: string | undefined;
  /** Kind and extra labels (session, pool key). */
  kind: "sandbox" | "session";
  labels?: Record<string, string>;
}

/** Kubernetes quantities in bytes: exact, no unit rounding. */
const bytes = (value: number) => String(value);

/**
 * The hardened pod every execution runs in, mirroring the Docker container: non-root uid 1000, read-only root,
 * memory-backed /sandbox and /tmp with size limits, no capabilities, no privilege escalation, seccomp, memory and
 * CPU limits, no service account token, no service links, no DNS. Pure: unit tests cover every field.
 */
export function podSpec(input: PodSpecInput): V1Pod {
  const { limits } = input;
  const seccompProfile = input.seccompLocalhostProfile
    ? { type: "Localhost", localhostProfile: input.seccompLocalhostProfile }
    : { type: "RuntimeDefault" };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: input.name,
      labels: {
        [LABELS.managed]: "true",
        [LABELS.kind]: input.kind,
        [LABELS.runtime]: input.runtime,
        [LABELS.network]: input.network,
        ...input.labels,
      },
    },
    spec: {
      restartPolicy: "Never",
      activeDeadlineSeconds: input.activeDeadlineSeconds,
      // The sandbox must not act as anyone in the cluster, nor learn the cluster's services from its environment.
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      // Nothing resolves: a name lookup fails at once instead of reaching the cluster's DNS (a way to leak data).
      dnsPolicy: "None",
      dnsConfig: {
        nameservers: ["127.0.0.1"],
        options: [
          { name: "timeout", value: "1" },
          { name: "attempts", value: "1" },
        ],
      },
      hostNetwork: false,
      hostPID: false,
      hostIPC: false,
      terminationGracePeriodSeconds: 1,
      ...(input.runtimeClassName ? { runtimeClassName: input.runtimeClassName } : {}),
      securityContext: {
        runAsNonRoot: true,
        runAsUser: SANDBOX_UID,
        runAsGroup: SANDBOX_UID,
        fsGroup: SANDBOX_UID,
        seccompProfile,
      },
      containers: [
        {
          name: SANDBOX_CONTAINER,
          image: input.image,
          imagePullPolicy: input.imagePullPolicy,
          command: [AGENT_PATH],
          // PID 1's stdin stays open (and unused) so that it waits instead of quitting: it only reaps orphans.
          // Requests reach an exec'd agent, whose output, unlike PID 1's, is never written to the node's logs.
          stdin: true,
          stdinOnce: false,
          tty: false,
          workingDir: SANDBOX_DIR,
          resources: {
            limits: {
              memory: bytes(limits.memoryBytes),
              cpu: `${Math.max(1, Math.round(limits.cpus * 1000))}m`,
            },
            // The memory it may use is reserved; CPU is shared, so a node is not full after a few sandboxes.
            requests: { memory: bytes(limits.memoryBytes), cpu: "10m" },
          },
          securityContext: {
            runAsNonRoot: true,
            runAsUser: SANDBOX_UID,
            runAsGroup: SANDBOX_UID,
            allowPrivilegeEscalation: false,
            privileged: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
            seccompProfile,
          },
          volumeMounts: [
            { name: "sandbox", mountPath: SANDBOX_DIR },
            { name: "tmp", mountPath: "/tmp" },
          ],
        },
      ],
      // Memory-backed like Docker's tmpfs, and counted against the memory limit the same way. Kubernetes cannot
      // mount an emptyDir noexec: /tmp runs binaries here (docs/kubernetes.md).
      volumes: [
        { name: "sandbox", emptyDir: { medium: "Memory", sizeLimit: bytes(limits.sandboxBytes) } },
        { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: bytes(limits.tmpBytes) } },
      ],
    },
  };
}
