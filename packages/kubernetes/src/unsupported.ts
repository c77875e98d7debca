import { type ExecutionRequest, Isol8Error } from "@isol8/core";

/**
 * What a request may ask that this adapter does not do (yet): refused up front with the reason, before a pod
 * exists, rather than half done.
 */
export function assertSupported(request: ExecutionRequest, filtered: boolean): void {
  // `filtered`: whether this kind of sandbox can have a filtered network (single-use pods can, sessions cannot).
  if (request.persist) {
    throw new Isol8Error(
      "INVALID_INPUT",
      "--persist does not apply on Kubernetes: every pod is removed after its run",
      {
        hint: "Use a session (`isol8 run --session <name>`) to keep a sandbox's files between runs.",
      },
    );
  }
  if (request.network.mode === "host") {
    throw new Isol8Error("INVALID_INPUT", 'The "host" network does not apply on Kubernetes', {
      hint: "Use --net filtered with --allow for the hosts the program may reach.",
    });
  }
  if (request.network.mode === "filtered" && !filtered) {
    throw new Isol8Error(
      "INVALID_INPUT",
      "The filtered network needs the egress proxy, which this engine was not given",
      {
        hint: "Set `kubernetes.egressProxy` in isol8.config.json (docs/kubernetes.md).",
      },
    );
  }
}
