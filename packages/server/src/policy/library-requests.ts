import {
  type ExecutionRequestInput,
  Isol8Error,
  type SessionExecutionInput,
  type SessionOptions,
} from "@isol8/core";
import type { WireExecutionRequest, WireSessionExecutionRequest } from "../wire/execution-schemas.js";
import { executionFromWire, sessionExecutionFromWire, sessionOptionsFromWire } from "./apply-policy.js";
import type { TenantPolicy } from "./policy-schema.js";

/**
 * Library-shaped requests (what a SandboxEngine takes, as from the MCP tools) through the very checks a wire
 * request passes, so no way into the server applies a looser policy than another. Files skip the wire's base64:
 * the policy does not look at them, and the engine checks their paths.
 */

/** The library fields a server never honours for a client (see the wire schema), refused rather than dropped. */
function refuseServerOnly(input: Partial<ExecutionRequestInput>): void {
  if (input.persist) throw new Isol8Error("POLICY_DENIED", "persist is not available on a server");
  if (input.allowForeignImage) {
    throw new Isol8Error("POLICY_DENIED", "allowForeignImage is not available on a server");
  }
  if ((input.setup?.length ?? 0) > 0) {
    throw new Isol8Error("POLICY_DENIED", "setup commands are not available on a server", {
      hint: "Run them as part of the code, or in a session before the program.",
    });
  }
}

function commonToWire(input: SessionExecutionInput): Omit<WireSessionExecutionRequest, "runtime"> {
  return {
    code: input.code,
    fileName: input.fileName,
    fromFile: input.fromFile,
    install: input.install,
    env: input.env,
    secrets: input.secrets,
    stdin: input.stdin,
    workdir: input.workdir,
    limits: input.limits,
    network: input.network,
    download: input.download,
    logNetwork: input.logNetwork,
  };
}

export function executionFromLibrary(
  policy: TenantPolicy,
  input: ExecutionRequestInput,
): ExecutionRequestInput {
  refuseServerOnly(input);
  const wire: WireExecutionRequest = { ...commonToWire(input), runtime: input.runtime, image: input.image };
  return { ...executionFromWire(policy, wire), files: input.files ?? [] };
}

export function sessionExecutionFromLibrary(
  policy: TenantPolicy,
  input: SessionExecutionInput,
): SessionExecutionInput {
  refuseServerOnly(input);
  const wire: WireSessionExecutionRequest = { ...commonToWire(input), runtime: input.runtime };
  return { ...sessionExecutionFromWire(policy, wire), files: input.files ?? [] };
}

/** A session's sandbox limits and idle timeout; per-run limits come with each execution and are checked there. */
export function sessionOptionsFromLibrary(policy: TenantPolicy, options: SessionOptions): SessionOptions {
  const limits = options.limits ?? {};
  return sessionOptionsFromWire(policy, {
    runtime: options.runtime,
    limits: {
      memoryBytes: limits.memoryBytes,
      cpus: limits.cpus,
      pids: limits.pids,
      sandboxBytes: limits.sandboxBytes,
      tmpBytes: limits.tmpBytes,
    },
    idleTimeoutMs: options.idleTimeoutMs,
  });
}
