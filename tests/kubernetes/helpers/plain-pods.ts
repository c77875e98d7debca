import type { V1Pod } from "@kubernetes/client-node";
import type { KubeClient } from "../../../packages/kubernetes/src/kube-client.js";

/**
 * Pods the network tests create besides the sandboxes: a server to connect to and a control client. They carry no
 * `org.isol8.*` label, so no isol8 policy selects them, and they run as the image's unprivileged user.
 */
export const PLAIN_LABEL = "isol8-test/plain";

/** The port every plain server listens on. */
export const SERVER_PORT = 8080;

/**
 * Python that tries one TCP connection to each `host:port` of the Python list `targets` (by default its command
 * line) and prints one line each: `connected <greeting>` (`connected (silent)` when the server sends nothing within
 * 2 s, like a proxy waiting for a request), or the connect error's class and errno (`ConnectionRefusedError 111`,
 * `TimeoutError`). Used by the control pod and by sandboxes, so both report alike.
 */
export function probeScript(targets = "sys.argv[1:]"): string {
  return [
    "import socket, sys",
    `for target in ${targets}:`,
    "    host, port = target.rsplit(':', 1)",
    "    try:",
    "        connection = socket.create_connection((host, int(port)), timeout=5)",
    "    except OSError as error:",
    "        print(' '.join(str(part) for part in (type(error).__name__, error.errno) if part), flush=True)",
    "        continue",
    "    with connection:",
    "        connection.settimeout(2)",
    "        try:",
    "            greeting = connection.recv(64).decode().strip()",
    "        except TimeoutError:",
    "            greeting = '(silent)'",
    "        print('connected', greeting, flush=True)",
  ].join("\n");
}

const SERVER = [
  "import socket",
  "server = socket.socket()",
  "server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
  `server.bind(('0.0.0.0', ${SERVER_PORT}))`,
  "server.listen()",
  "while True:",
  "    connection, _ = server.accept()",
  "    connection.sendall(b'hello from the server pod\\n')",
  "    connection.close()",
].join("\n");

function plainPod(name: string, argv: string[]): V1Pod {
  return {
    metadata: { name, labels: { [PLAIN_LABEL]: name } },
    spec: {
      restartPolicy: "Never",
      terminationGracePeriodSeconds: 0,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      containers: [
        {
          name: "main",
          image: "isol8:python",
          imagePullPolicy: "Never",
          command: argv,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
          },
        },
      ],
    },
  };
}

/** Waits until the pod runs and has an address; returns the address. */
async function podIp(client: KubeClient, name: string): Promise<string> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const pod = await client.readPod(name);
    if (pod?.status?.phase === "Running" && pod.status.podIP) return pod.status.podIP;
    if (pod?.status?.phase === "Failed" || pod?.status?.phase === "Succeeded") {
      throw new Error(`pod ${name} ended (${pod.status.phase}) before it served`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`pod ${name} did not run within 90 s`);
}

/** A server pod answering one line on SERVER_PORT, and its address. */
export async function startServerPod(client: KubeClient, name: string): Promise<string> {
  await client.createPod(plainPod(name, ["python3", "-c", SERVER]));
  return podIp(client, name);
}

/** A pod that only idles, to exec probes in. */
export async function startControlPod(client: KubeClient, name: string): Promise<string> {
  await client.createPod(plainPod(name, ["python3", "-c", "import time\ntime.sleep(3600)"]));
  return podIp(client, name);
}

/** Runs the probe in a plain pod against `targets` (`host:port`); one output line per target. */
export async function probeFrom(client: KubeClient, pod: string, targets: string[]): Promise<string[]> {
  const streams = await client.exec(pod, "main", ["python3", "-c", probeScript(), ...targets]);
  streams.input.end();
  let stdout = "";
  streams.output.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    streams.onEnd((error) => (error ? reject(error) : resolve()));
  });
  return stdout.trim().split("\n");
}

export async function deletePlainPods(client: KubeClient, names: string[]): Promise<void> {
  await Promise.all(names.map((name) => client.deletePod(name, 0)));
}
