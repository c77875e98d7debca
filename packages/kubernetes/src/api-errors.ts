import { Isol8Error } from "@isol8/core";

/** Where the API is, for messages. */
export interface ApiTarget {
  server: string;
  namespace: string;
}

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "ECONNRESET",
  "EAI_AGAIN",
]);

/** The HTTP status of a failed API call, when it got that far. */
export function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "number" ? code : undefined;
}

/** What the API server said: the Status object's message, else the raw text. */
function serverMessage(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  const parsed = typeof body === "string" ? safeJson(body) : body;
  const message = (parsed as { message?: unknown } | undefined)?.message;
  return typeof message === "string"
    ? message
    : (String((error as Error).message ?? error).split("\n")[0] ?? "");
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}

/** A network-level failure (nothing answered), found through the error and its causes. */
function connectionCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && CONNECTION_CODES.has(code)) return code;
    if (/self[- ]signed|certificate|unable to verify/i.test(String((current as Error).message))) return "TLS";
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * One clear line for a failed call to the API server: unreachable, unauthorised, forbidden (with the verb and
 * resource from the server's message), a missing namespace; anything else as the server put it. `doing` reads as
 * "Cannot <doing>".
 */
export function explainApiError(error: unknown, doing: string, target: ApiTarget): Isol8Error {
  if (error instanceof Isol8Error) return error;
  const network = connectionCode(error);
  if (network) {
    const why = network === "TLS" ? "its TLS certificate is not trusted" : network;
    return new Isol8Error(
      "ENGINE_UNAVAILABLE",
      `Cannot reach the Kubernetes API at ${target.server} (${why})`,
      {
        cause: error,
        hint: "Is the cluster running, and is this the kubeconfig you meant? `kubectl cluster-info` checks the same.",
      },
    );
  }
  const status = statusOf(error);
  const message = serverMessage(error);
  if (status === 401) {
    return new Isol8Error(
      "ENGINE_UNAVAILABLE",
      `The Kubernetes API at ${target.server} did not accept the credentials`,
      {
        cause: error,
        hint: "Refresh the kubeconfig's credentials (`kubectl auth whoami` shows who you are).",
      },
    );
  }
  if (status === 403) {
    return new Isol8Error(
      "FORBIDDEN",
      `Kubernetes refused to ${doing} in namespace "${target.namespace}": ${message}`,
      {
        cause: error,
        hint: "Give the account the Role in docs/kubernetes.md (pods, pods/exec, networkpolicies, deployments, services), or pick another namespace.",
      },
    );
  }
  if (status === 404 && /namespaces? "?[^"]*"? not found/i.test(message)) {
    return new Isol8Error(
      "ENGINE_UNAVAILABLE",
      `The Kubernetes namespace "${target.namespace}" does not exist`,
      {
        cause: error,
        hint: `Create it (\`kubectl create namespace ${target.namespace}\`) or set \`kubernetes.namespace\`.`,
      },
    );
  }
  return new Isol8Error("SANDBOX_FAILED", `Cannot ${doing}: ${message}`, { cause: error });
}
