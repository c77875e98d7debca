import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import {
  customImageTag,
  dependencyHash,
  normalizePackageList,
  type RuntimeDefinition,
  runtimeImageInputs,
  stableHash,
} from "@isol8/core";
import { LABELS, type ObjectKind } from "../labels.js";
import type { BuildContextFiles } from "./build-context.js";

/** Everything needed to build one image and to tell whether the existing one is current. */
export interface ImagePlan {
  tag: string;
  kind: Exclude<ObjectKind, "sandbox">;
  /** Covers every input that shapes the image; stored in the org.isol8.build.hash label. */
  hash: string;
  files: BuildContextFiles;
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
}

/** An extra CA certificate to trust, by content (the file name is irrelevant to the image). */
export interface CaCertificate {
  pem: string;
}

export interface BasePlanInput {
  repository: string;
  assetsDir: string;
  osImage: string;
  /** Id of the OS image, so a re-imported or updated OS image rebuilds everything above it. */
  osImageId: string;
  extraCaCertificates: CaCertificate[];
}

/**
 * Bumped when what isol8 writes into images changes (labels, build arguments) without any input file changing, so
 * that images built by an older isol8 are rebuilt. Every other image builds on the base and follows its hash.
 */
const IMAGE_FORMAT = 2;

/** Files of docker/ that go into isol8:base; the seccomp profile and scripts shape containers, not the image. */
const BASE_CONTEXT = ["Dockerfile", "agent"];

export function basePlan(input: BasePlanInput): ImagePlan {
  const files: BuildContextFiles = {};
  for (const entry of BASE_CONTEXT) {
    for (const file of walk(join(input.assetsDir, entry))) {
      files[relative(input.assetsDir, file)] = readFileSync(file);
    }
  }
  files["extra-ca/.keep"] = "";
  for (const certificate of input.extraCaCertificates) {
    const name = createHash("sha256").update(certificate.pem).digest("hex").slice(0, 16);
    files[`extra-ca/isol8-${name}.crt`] = certificate.pem;
  }
  const buildArgs = { ISOL8_OS_IMAGE: input.osImage };
  const hash = stableHash({
    kind: "base",
    format: IMAGE_FORMAT,
    files: digestFiles(files),
    buildArgs,
    osImageId: input.osImageId,
  });
  const tag = `${input.repository}:base`;
  return {
    tag,
    kind: "base",
    hash,
    files,
    buildArgs,
    labels: labelsFor("base", hash, input.repository, tag),
  };
}

export function runtimePlan(repository: string, runtime: RuntimeDefinition, base: ImagePlan): ImagePlan {
  const files: BuildContextFiles = { ...(runtime.contextFiles ?? {}) };
  files.Dockerfile = `FROM ${base.tag}\n${runtime.dockerfile.trim()}\n`;
  const hash = stableHash({ kind: "runtime", base: base.hash, runtime: runtimeImageInputs(runtime) });
  const tag = `${repository}:${runtime.name}`;
  const labels = { ...labelsFor("runtime", hash, repository, tag), [LABELS.runtime]: runtime.name };
  return { tag, kind: "runtime", hash, files, buildArgs: {}, labels };
}

export function customPlan(
  repository: string,
  runtime: RuntimeDefinition,
  packages: readonly string[],
  parent: ImagePlan,
  tag = customImageTag(repository, runtime.name, packages),
  setup: readonly string[] = [],
): ImagePlan {
  const normalized = normalizePackageList(packages);
  // Setup scripts shape the image as much as its packages do; without any, the hash (and tag) stay the packages'.
  const depsHash =
    setup.length > 0
      ? stableHash({ runtime: runtime.name, packages: normalized, setup })
      : dependencyHash(runtime.name, normalized);
  const steps = normalized.length > 0 ? [runtime.bake(normalized)] : [];
  // Setup scripts are the user's shell text, run by sh as root at build time, after the packages.
  for (const script of setup) steps.push(["/bin/sh", "-c", script]);
  const bake = steps.map((argv) => JSON.stringify(argv)).join("\n");
  // Exec-form RUN: the package names never pass through a shell.
  const run = steps.map((argv) => `RUN ${JSON.stringify(argv)}\n`).join("");
  const files: BuildContextFiles = {
    Dockerfile: `FROM ${parent.tag}\nUSER root\n${run}USER sandbox\n`,
  };
  const hash = stableHash({ kind: "custom", parent: parent.hash, depsHash, bake });
  const labels = {
    ...labelsFor("custom", hash, repository, tag),
    [LABELS.runtime]: runtime.name,
    [LABELS.depsHash]: depsHash,
    [LABELS.dependencies]: JSON.stringify(normalized),
  };
  return { tag, kind: "custom", hash, files, buildArgs: {}, labels };
}

/** Upstream Squid version the proxy image asserts: the configuration the engine writes is Squid 5's. */
export const SQUID_VERSION = "5.7";

/**
 * The egress proxy's image, `<repository>:proxy`: Debian's Squid over the base, from docker/proxy/. Its hash covers
 * the base's (the existing image's label: a run never rebuilds the base that setup owns), the folder's files and
 * the Squid version it asserts.
 */
export function proxyPlan(
  repository: string,
  assetsDir: string,
  base: { tag: string; hash: string },
): ImagePlan {
  const root = join(assetsDir, "proxy");
  const files: BuildContextFiles = {};
  for (const file of walk(root)) files[relative(root, file)] = readFileSync(file);
  const buildArgs = { ISOL8_BASE: base.tag, ISOL8_SQUID_VERSION: SQUID_VERSION };
  const hash = stableHash({ kind: "proxy", base: base.hash, files: digestFiles(files), buildArgs });
  const tag = `${repository}:proxy`;
  return { tag, kind: "proxy", hash, files, buildArgs, labels: labelsFor("proxy", hash, repository, tag) };
}

/**
 * Labels of an image isol8 builds. Images built FROM ours inherit every label, so `tag` records the one tag this
 * build gave: an image is isol8's own only while it still carries that tag (or none, once superseded).
 */
function labelsFor(kind: ObjectKind, hash: string, repository: string, tag: string): Record<string, string> {
  return {
    [LABELS.tag]: tag,
    [LABELS.managed]: "true",
    [LABELS.kind]: kind,
    [LABELS.buildHash]: hash,
    [LABELS.repository]: repository,
  };
}

function digestFiles(files: BuildContextFiles): Record<string, string> {
  return Object.fromEntries(
    Object.entries(files).map(([name, content]) => [
      name,
      createHash("sha256").update(content).digest("hex"),
    ]),
  );
}

function walk(path: string): string[] {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (!stats) return [];
  if (stats.isFile()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((entry) => walk(join(path, entry)));
}
