import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { Isol8Error } from "@isol8/core";

/** Where a seccomp profile may be, and the file that must sit beside it for the place to count. */
export interface SeccompProfileCandidate {
  path: string;
  /** Guards the repository path, which from an installed package would reach an unrelated package. */
  marker?: string;
}

const here = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

/**
 * The repository's generated profile first (edits apply without a build), then the copy a published package
 * carries in `assets/`. Both relative paths hold from `src/sandbox/` and from `dist/sandbox/`.
 */
export const SECCOMP_PROFILE_CANDIDATES: readonly SeccompProfileCandidate[] = [
  { path: here("../../../../docker/seccomp.json"), marker: here("../../../../docker/seccomp-policy.ts") },
  { path: here("../../assets/seccomp.json") },
];

/**
 * Reads the first candidate that exists and returns the profile as compact JSON text, the form Docker's
 * `HostConfig.SecurityOpt: ["seccomp=<json>"]` takes (the Engine API wants the content, not a path).
 */
export async function readSeccompProfile(
  candidates: readonly SeccompProfileCandidate[] = SECCOMP_PROFILE_CANDIDATES,
): Promise<string> {
  const found = candidates.find(
    (candidate) =>
      existsSync(candidate.path) && (candidate.marker === undefined || existsSync(candidate.marker)),
  );
  if (found === undefined) {
    throw new Isol8Error(
      "INTERNAL",
      `isol8's seccomp profile was not found (looked for ${candidates.map((c) => c.path).join(", ")})`,
      { hint: "Reinstall @isol8/docker; in the repository run `npx tsx tooling/generate-seccomp.ts`." },
    );
  }
  let profile: unknown;
  try {
    profile = JSON.parse(await readFile(found.path, "utf8"));
  } catch (cause) {
    throw new Isol8Error("INTERNAL", `isol8's seccomp profile ${found.path} is not readable JSON`, { cause });
  }
  const isAllowList =
    typeof profile === "object" &&
    profile !== null &&
    "defaultAction" in profile &&
    profile.defaultAction === "SCMP_ACT_ERRNO";
  if (!isAllowList) {
    throw new Isol8Error("INTERNAL", `isol8's seccomp profile ${found.path} is not an allow-list`, {
      hint: "Regenerate it with `npx tsx tooling/generate-seccomp.ts`.",
    });
  }
  return JSON.stringify(profile);
}

let cached: Promise<string> | undefined;

/** The sandbox seccomp profile as JSON text; read once per process. */
export function loadSeccompProfile(): Promise<string> {
  cached ??= readSeccompProfile().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}
