import { Isol8Error, type Limits, parseCpus, parseDuration, parsePositiveInt, parseSize } from "@isol8/core";
import type { RunArguments } from "../commands/run.js";

/** Splits repeatable, comma-separated flag values: `--install a,b --install c` → [a, b, c]. */
export function splitList(values: readonly string[] | string | undefined): string[] {
  const list = values === undefined ? [] : Array.isArray(values) ? values : [values];
  return list
    .flatMap((value) => String(value).split(","))
    .map((value) => value.trim())
    .filter((value) => value.length > 0);
}

/**
 * Splits package flags like `splitList`, except that a comma followed by a version operator stays inside the
 * specifier: `--install "requests>=2,<3,numpy"` → ["requests>=2,<3", "numpy"].
 */
export function splitPackageList(values: readonly string[] | string | undefined): string[] {
  const list = values === undefined ? [] : Array.isArray(values) ? values : [values];
  return list
    .flatMap((value) => String(value).split(/,(?=\s*[A-Za-z@])/))
    .map((value) => value.trim())
    .filter((value) => value.length > 0);
}

/** Parses `K=V` pairs of --env and --secret. */
export function parseAssignments(values: readonly string[], flag: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const value of values) {
    const separator = String(value).indexOf("=");
    const key = String(value).slice(0, separator);
    if (separator <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new Isol8Error("INVALID_INPUT", `${flag} "${value}" is not valid: expected NAME=VALUE`);
    }
    result[key] = String(value).slice(separator + 1);
  }
  return result;
}

/** The limit flags that were given, parsed; absent flags stay undefined so config and defaults apply. */
export function parseLimitFlags(args: RunArguments): Partial<Limits> {
  const limits: Partial<Limits> = {};
  if (args.timeout !== undefined) limits.timeoutMs = parseDuration(args.timeout, "--timeout");
  if (args.memory !== undefined) limits.memoryBytes = parseSize(args.memory, "--memory");
  if (args.cpu !== undefined) limits.cpus = parseCpus(args.cpu, "--cpu");
  if (args.pidsLimit !== undefined) limits.pids = parsePositiveInt(args.pidsLimit, "--pids-limit");
  if (args.sandboxSize !== undefined) limits.sandboxBytes = parseSize(args.sandboxSize, "--sandbox-size");
  if (args.tmpSize !== undefined) limits.tmpBytes = parseSize(args.tmpSize, "--tmp-size");
  if (args.maxOutput !== undefined) limits.maxOutputBytes = parseSize(args.maxOutput, "--max-output");
  if (limits.memoryBytes !== undefined && limits.memoryBytes < 6 * 1024 * 1024) {
    throw new Isol8Error("INVALID_INPUT", `--memory "${args.memory}" is too small: Docker needs at least 6m`);
  }
  return limits;
}
