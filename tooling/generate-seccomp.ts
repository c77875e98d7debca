/**
 * Writes `docker/seccomp.json` from the policy in `docker/seccomp-policy.ts`.
 *
 *   npx tsx tooling/generate-seccomp.ts           write the profile
 *   npx tsx tooling/generate-seccomp.ts --check   exit 1 if the committed profile is stale
 *
 * Refuses to write while the policy contradicts itself or while a syscall of this machine's kernel headers is
 * neither allowed nor denied: every new syscall must be decided on purpose.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ALLOWED, ARCHITECTURES, ARG_RULES, type ArgCondition, DENIED } from "../docker/seccomp-policy.js";

export const PROFILE_PATH = fileURLToPath(new URL("../docker/seccomp.json", import.meta.url));

/** The syscall tables of the kernel headers (Debian: linux-libc-dev), one per ABI the profile admits. */
export const HEADER_PATHS = {
  x86_64: "/usr/include/x86_64-linux-gnu/asm/unistd_64.h",
  x32: "/usr/include/x86_64-linux-gnu/asm/unistd_x32.h",
} as const;

const EPERM = 1;

interface ProfileArg {
  index: number;
  value: number;
  valueTwo?: number;
  op: string;
}

interface ProfileRule {
  names: string[];
  action: "SCMP_ACT_ALLOW" | "SCMP_ACT_ERRNO";
  errnoRet?: number;
  args?: ProfileArg[];
  comment: string;
}

/** The profile in Docker's format (`--security-opt seccomp=<file>`, or its content in `SecurityOpt`). */
export interface SeccompProfile {
  defaultAction: "SCMP_ACT_ERRNO";
  defaultErrnoRet: number;
  archMap: { architecture: string; subArchitectures: string[] }[];
  syscalls: ProfileRule[];
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function allowedNames(): string[] {
  return Object.values(ALLOWED).flat().sort(byText);
}

export function deniedNames(): string[] {
  return DENIED.flatMap((entry) => entry.names).sort(byText);
}

export function argRuleNames(): string[] {
  return [...new Set(ARG_RULES.map((rule) => rule.name))].sort(byText);
}

/** Contradictions in the policy: a name decided twice or both ways. Empty when the policy is sound. */
export function policyProblems(): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  const note = (name: string, where: string) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) problems.push(`"${name}" is not a syscall name`);
    const before = seen.get(name);
    if (before !== undefined && before !== where) problems.push(`${name} is both ${before} and ${where}`);
    else if (before === where && where !== "argument-filtered") problems.push(`${name} is ${where} twice`);
    seen.set(name, where);
  };
  for (const name of allowedNames()) note(name, "allowed");
  for (const name of deniedNames()) note(name, "denied");
  for (const rule of ARG_RULES) note(rule.name, "argument-filtered");
  return problems;
}

/** Syscall names of a kernel header such as `asm/unistd_64.h` (`#define __NR_read 0`). */
export function readHeaderSyscalls(path: string): string[] {
  const names = [...readFileSync(path, "utf8").matchAll(/^#define __NR_([a-z0-9_]+)\s+/gm)].map(
    (m) => m[1] ?? "",
  );
  return names.filter((name) => name !== "").sort(byText);
}

/** Names in `names` that the policy neither allows, filters nor denies. */
export function undecidedSyscalls(names: readonly string[]): string[] {
  const decided = new Set([...allowedNames(), ...deniedNames(), ...argRuleNames()]);
  return names.filter((name) => !decided.has(name));
}

/** Orders argument rules by their numbers, so `socket(2)` comes before `socket(10)`. */
function compareArgs(a: readonly ProfileArg[], b: readonly ProfileArg[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    const diff = x.index - y.index || x.value - y.value || (x.valueTwo ?? 0) - (y.valueTwo ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

function toProfileArgs(args: readonly ArgCondition[]): ProfileArg[] {
  return args.map(({ index, value, valueTwo, op }) =>
    valueTwo === undefined ? { index, value, op } : { index, value, valueTwo, op },
  );
}

export function buildProfile(): SeccompProfile {
  const filtered: ProfileRule[] = ARG_RULES.map((rule) => ({
    names: [rule.name],
    action: "SCMP_ACT_ALLOW" as const,
    args: toProfileArgs(rule.args),
    comment: rule.reason,
  })).sort((a, b) => byText(a.names[0] ?? "", b.names[0] ?? "") || compareArgs(a.args ?? [], b.args ?? []));
  const denied: ProfileRule[] = DENIED.map((entry) => ({
    names: [...entry.names].sort(byText),
    action: "SCMP_ACT_ERRNO" as const,
    errnoRet: entry.errno ?? EPERM,
    comment: entry.reason,
  })).sort((a, b) => byText(a.names[0] ?? "", b.names[0] ?? ""));
  return {
    defaultAction: "SCMP_ACT_ERRNO",
    defaultErrnoRet: EPERM,
    archMap: Object.entries(ARCHITECTURES).map(([architecture, sub]) => ({
      architecture,
      subArchitectures: [...sub],
    })),
    syscalls: [
      {
        names: allowedNames(),
        action: "SCMP_ACT_ALLOW",
        comment: "Generated by tooling/generate-seccomp.ts from docker/seccomp-policy.ts: edit the policy.",
      },
      ...filtered,
      ...denied,
    ],
  };
}

const LINE_WIDTH = 110;

/** JSON laid out as `biome format` leaves it: objects open, arrays of scalars on one line if they fit. */
function layout(value: unknown, indent: string, lead: number): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    const scalars = value.every((item) => item === null || typeof item !== "object");
    const flat = `[${value.map((item) => JSON.stringify(item)).join(", ")}]`;
    if (value.length === 0 || (scalars && lead + flat.length + 1 <= LINE_WIDTH)) return flat;
    return `[\n${value.map((item) => inner + layout(item, inner, inner.length)).join(",\n")}\n${indent}]`;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).map(([key, item]) => {
      const head = `${inner}${JSON.stringify(key)}: `;
      return head + layout(item, inner, head.length);
    });
    return `{\n${entries.join(",\n")}\n${indent}}`;
  }
  return JSON.stringify(value);
}

export function renderProfile(profile: SeccompProfile = buildProfile()): string {
  return `${layout(profile, "", 0)}\n`;
}

function main(argv: readonly string[]): number {
  const problems = policyProblems();
  for (const [abi, path] of Object.entries(HEADER_PATHS)) {
    if (!existsSync(path)) {
      console.warn(`warning: ${path} not found; the ${abi} syscall table is not checked`);
      continue;
    }
    for (const name of undecidedSyscalls(readHeaderSyscalls(path))) {
      problems.push(`${name} (${abi}) is neither allowed nor denied in docker/seccomp-policy.ts`);
    }
  }
  if (problems.length > 0) {
    for (const problem of problems) console.error(`error: ${problem}`);
    return 1;
  }
  const text = renderProfile();
  const current = existsSync(PROFILE_PATH) ? readFileSync(PROFILE_PATH, "utf8") : "";
  if (argv.includes("--check")) {
    if (current === text) return 0;
    console.error("docker/seccomp.json is stale: run `npx tsx tooling/generate-seccomp.ts`");
    return 1;
  }
  if (current !== text) writeFileSync(PROFILE_PATH, text);
  console.log(`docker/seccomp.json: ${allowedNames().length} allowed, ${ARG_RULES.length} argument rules`);
  return 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
