import { createHash } from "node:crypto";

/**
 * JSON with object keys sorted at every depth, so that two equal values always serialise identically.
 * `undefined` object members are dropped, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([key, member]) => [key, sortKeys(member)]));
  }
  return value;
}

/** SHA-256 (hex) of the canonical JSON of `value`: stable across key order. */
export function stableHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}

/** Trimmed, deduplicated and sorted, so that the same set of packages always hashes the same. */
export function normalizePackageList(packages: readonly string[]): string[] {
  const trimmed = packages.map((name) => name.trim()).filter((name) => name.length > 0);
  return [...new Set(trimmed)].sort();
}

/** The hash that names a custom image: runtime plus the normalised package set. */
export function dependencyHash(runtime: string, packages: readonly string[]): string {
  return stableHash({ runtime, packages: normalizePackageList(packages) });
}

/**
 * Tag of a custom image: `<repository>:<runtime>-custom-<first 12 hex of the deps hash>`. Every engine names baked
 * images alike, so an image built by `isol8 setup` and loaded into a cluster is found there by the same name.
 */
export function customImageTag(repository: string, runtime: string, packages: readonly string[]): string {
  return `${repository}:${runtime}-custom-${dependencyHash(runtime, packages).slice(0, 12)}`;
}
