import {
  type ExecutionRequestInput,
  type HostPattern,
  isIsol8Error,
  type LimitsInput,
  type NetworkPolicy,
  parseHostPattern,
  parseHostPatterns,
  type SessionExecutionInput,
  type SessionOptions,
} from "@isol8/core";
import { FieldError } from "../errors.js";
import { filesFromWire } from "../wire/convert.js";
import type { WireExecutionRequest, WireSessionExecutionRequest } from "../wire/execution-schemas.js";
import type { CreateSessionRequest } from "../wire/session-schemas.js";
import { patternCovers } from "./host-coverage.js";
import type { PolicyLimitField, TenantPolicy } from "./policy-schema.js";

function denied(field: string, message: string, hint?: string): FieldError {
  return new FieldError("POLICY_DENIED", field, message, hint);
}

/** A limit as asked, or the tenant's default when omitted; refused above the ceiling. */
function limit(
  policy: TenantPolicy,
  field: PolicyLimitField,
  asked: number | undefined,
  path: string,
): number {
  const ceiling = policy.ceilings[field];
  if (asked !== undefined && asked > ceiling) {
    throw denied(
      path,
      `${path} ${asked} is above this server's ceiling of ${ceiling}`,
      `Ask for ${ceiling} or less.`,
    );
  }
  return asked ?? policy.defaults[field];
}

function checkRuntime(policy: TenantPolicy, runtime: string): void {
  if (policy.runtimes && !policy.runtimes.includes(runtime)) {
    throw denied(
      "runtime",
      `runtime "${runtime}" is not allowed on this server`,
      `Allowed: ${policy.runtimes.join(", ")}.`,
    );
  }
}

function checkInstall(policy: TenantPolicy, install: readonly string[] | undefined): void {
  if (!policy.install && (install?.length ?? 0) > 0) {
    throw denied("install", "installing packages at run time is not allowed on this server");
  }
}

type WireLimits = WireExecutionRequest["limits"];

function runLimits(policy: TenantPolicy, asked: WireLimits = {}): Required<LimitsInput> {
  const at = (field: Exclude<PolicyLimitField, "idleTimeoutMs">) =>
    limit(policy, field, asked[field], `limits.${field}`);
  return {
    timeoutMs: at("timeoutMs"),
    memoryBytes: at("memoryBytes"),
    cpus: at("cpus"),
    pids: at("pids"),
    sandboxBytes: at("sandboxBytes"),
    tmpBytes: at("tmpBytes"),
    maxOutputBytes: at("maxOutputBytes"),
    installTimeoutMs: at("installTimeoutMs"),
  };
}

/**
 * The network a request gets: a mode the tenant may use (none when omitted), an allow list inside the tenant's
 * (the tenant's whole list when omitted), and the tenant's deny list added to the client's, so a client can only
 * narrow what the server lets through.
 */
function network(policy: TenantPolicy, asked: WireExecutionRequest["network"] = {}): NetworkPolicy {
  const mode = asked.mode ?? "none";
  if (!policy.network.modes.includes(mode)) {
    throw denied(
      "network.mode",
      `network mode "${mode}" is not allowed on this server`,
      `Allowed: ${policy.network.modes.join(", ")}.`,
    );
  }
  if (mode !== "filtered") return { mode, allow: [], deny: [] };
  const granted = parseHostPatterns(policy.network.allow, "server policy network.allow");
  const allow = asked.allow ?? policy.network.allow;
  allow.forEach((text, index) => {
    const wanted = parsePattern(text, `network.allow.${index}`);
    if (!granted.some((pattern) => patternCovers(pattern, wanted))) {
      throw denied(
        `network.allow.${index}`,
        `network.allow "${text}" is outside the hosts this server allows`,
        granted.length > 0 ? `Allowed: ${policy.network.allow.join(", ")}.` : "This server allows no hosts.",
      );
    }
  });
  for (const [index, text] of (asked.deny ?? []).entries()) parsePattern(text, `network.deny.${index}`);
  return { mode, allow: [...allow], deny: [...new Set([...policy.network.deny, ...(asked.deny ?? [])])] };
}

/** A client's pattern, parsed; a malformed one is INVALID_INPUT naming its place in the request. */
function parsePattern(text: string, field: string): HostPattern {
  try {
    return parseHostPattern(text, field);
  } catch (error) {
    if (!isIsol8Error(error)) throw error;
    throw new FieldError("INVALID_INPUT", field, error.message, error.hint);
  }
}

type CommonFields = Omit<WireSessionExecutionRequest, "runtime">;

function common(policy: TenantPolicy, request: CommonFields) {
  checkInstall(policy, request.install);
  const out: SessionExecutionInput = {
    code: request.code,
    install: request.install ?? [],
    env: request.env ?? {},
    secrets: request.secrets ?? {},
    files: filesFromWire(request.files),
    limits: runLimits(policy, request.limits),
    network: network(policy, request.network),
    download: request.download ?? [],
    logNetwork: request.logNetwork ?? false,
  };
  if (request.fileName !== undefined) out.fileName = request.fileName;
  if (request.fromFile !== undefined) out.fromFile = request.fromFile;
  if (request.stdin !== undefined) out.stdin = request.stdin;
  if (request.workdir !== undefined) out.workdir = request.workdir;
  return out;
}

/** A client's request as the engine will run it, or POLICY_DENIED naming the field and the ceiling. */
export function executionFromWire(
  policy: TenantPolicy,
  request: WireExecutionRequest,
): ExecutionRequestInput {
  checkRuntime(policy, request.runtime);
  if (request.image !== undefined && !policy.images.includes(request.image)) {
    throw denied(
      "image",
      `image "${request.image}" is not allowed on this server`,
      policy.images.length > 0 ? `Allowed: ${policy.images.join(", ")}.` : "Leave image out.",
    );
  }
  const { runtime, image } = request;
  return {
    ...common(policy, request),
    runtime,
    ...(image === undefined ? {} : { image }),
    persist: false,
    allowForeignImage: false,
  };
}

export function sessionExecutionFromWire(
  policy: TenantPolicy,
  request: WireSessionExecutionRequest,
): SessionExecutionInput {
  if (request.runtime !== undefined) checkRuntime(policy, request.runtime);
  return {
    ...common(policy, request),
    ...(request.runtime === undefined ? {} : { runtime: request.runtime }),
  };
}

export function sessionOptionsFromWire(policy: TenantPolicy, request: CreateSessionRequest): SessionOptions {
  checkRuntime(policy, request.runtime);
  const asked = request.limits ?? {};
  const at = (field: "memoryBytes" | "cpus" | "pids" | "sandboxBytes" | "tmpBytes") =>
    limit(policy, field, asked[field], `limits.${field}`);
  return {
    runtime: request.runtime,
    limits: {
      memoryBytes: at("memoryBytes"),
      cpus: at("cpus"),
      pids: at("pids"),
      sandboxBytes: at("sandboxBytes"),
      tmpBytes: at("tmpBytes"),
    },
    idleTimeoutMs: limit(policy, "idleTimeoutMs", request.idleTimeoutMs, "idleTimeoutMs"),
  };
}
