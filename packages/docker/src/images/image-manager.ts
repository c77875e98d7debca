import { readFileSync } from "node:fs";
import {
  type ImageMatch,
  Isol8Error,
  normalizePackageList,
  type RuntimeDefinition,
  type RuntimeRegistry,
} from "@isol8/core";
import type Docker from "dockerode";
import { isOwnImage, LABELS } from "../labels.js";
import { removeSparesOf } from "../sandbox/spare-sandboxes.js";
import type { BuildProgress } from "./build-image.js";
import { type CustomImageCandidate, chooseCustomImage } from "./choose-image.js";
import { type EnsureImageOptions, ensureImage, type ImageReport } from "./ensure-image.js";
import {
  basePlan,
  type CaCertificate,
  customPlan,
  type ImagePlan,
  proxyPlan,
  runtimePlan,
} from "./image-plan.js";
import { findImage, listManagedImages, removeSupersededImages, type StoredImage } from "./image-store.js";
import { ensureOsImage } from "./os-image.js";
import { RecentLookups } from "./recent-lookups.js";

/** How long an image lookup is reused within a burst of executions. */
const LOOKUP_TTL_MS = 2000;

export interface ImageManagerOptions {
  docker: Docker;
  runtimes: RuntimeRegistry;
  repository: string;
  assetsDir: string;
  osImage: string;
  /** Paths of PEM files to trust in image builds and package managers. */
  extraCaCertificates: string[];
  onProgress?: (progress: BuildProgress) => void;
}

export interface SetupOptions {
  /** Runtimes to build; all registered ones when omitted. */
  runtimes?: string[];
  /** Packages to bake per runtime (custom images). */
  dependencies?: Record<string, string[]>;
  force?: boolean;
}

/** An image chosen for a run, and the packages it does not already contain. */
export interface ResolvedImage {
  tag: string;
  /** Packages still to install at run time. */
  missing: string[];
  match: ImageMatch;
}

export type ImageManager = ReturnType<typeof createImageManager>;

/** Plans, builds, finds and retires isol8's images. */
export function createImageManager(options: ImageManagerOptions) {
  const { docker, repository } = options;
  const certificates = readCertificates(options.extraCaCertificates);
  const recentImages = new RecentLookups<StoredImage | undefined>(LOOKUP_TTL_MS);
  const ensureOptions = (force?: boolean): EnsureImageOptions => ({
    ...(force ? { force } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });

  async function planBase(): Promise<ImagePlan> {
    const osImageId = await ensureOsImage(docker, options.osImage, options.assetsDir, (line) =>
      options.onProgress?.({ image: options.osImage, line }),
    );
    return basePlan({
      repository,
      assetsDir: options.assetsDir,
      osImage: options.osImage,
      osImageId,
      extraCaCertificates: certificates,
    });
  }

  async function setup(setupOptions: SetupOptions = {}): Promise<ImageReport[]> {
    forgetLookups();
    try {
      return await setupImages(setupOptions);
    } finally {
      forgetLookups();
    }
  }

  async function setupImages(setupOptions: SetupOptions): Promise<ImageReport[]> {
    const names = setupOptions.runtimes ?? options.runtimes.list().map((runtime) => runtime.name);
    const runtimes = names.map((name) => options.runtimes.get(name));
    const reports: ImageReport[] = [];
    const outdatedCustomImages: string[] = [];
    const base = await planBase();
    reports.push(await ensureImage(docker, base, ensureOptions(setupOptions.force)));
    // Every install goes through the egress proxy, so setup makes it ready too.
    const proxy = proxyPlan(repository, options.assetsDir, { tag: base.tag, hash: base.hash });
    reports.push(await ensureImage(docker, proxy, ensureOptions(setupOptions.force)));
    for (const runtime of runtimes) {
      const plan = runtimePlan(repository, runtime, base);
      reports.push(await ensureImage(docker, plan, ensureOptions(setupOptions.force)));
      const packages = normalizePackageList(setupOptions.dependencies?.[runtime.name] ?? []);
      if (packages.length > 0) {
        const custom = customPlan(repository, runtime, packages, plan);
        reports.push(await ensureImage(docker, custom, ensureOptions(setupOptions.force)));
        outdatedCustomImages.push(...(await otherCustomImages(runtime.name, custom.tag)));
      }
    }
    await retire(reports, outdatedCustomImages);
    return reports;
  }

  /** Custom images of this runtime made by setup, other than `keep`: superseded by a new package set. */
  async function otherCustomImages(runtime: string, keep: string): Promise<string[]> {
    const images = await listManagedImages(docker, {
      [LABELS.kind]: "custom",
      [LABELS.runtime]: runtime,
      [LABELS.repository]: repository,
    });
    const prefix = `${repository}:${runtime}-custom-`;
    return images
      .filter(
        (image) => image.tags.every((tag) => tag.startsWith(prefix) && tag !== keep) && image.tags.length > 0,
      )
      .map((image) => image.id);
  }

  /** Removes what the new images replaced, only now that every build succeeded. */
  async function retire(reports: ImageReport[], extra: string[] = []): Promise<void> {
    const superseded = reports.flatMap((report) => (report.supersededId ? [report.supersededId] : []));
    const current = new Set(reports.map((report) => report.id));
    const retired = [...superseded, ...extra].filter((id) => !current.has(id));
    // Spares hold their image: an unclaimed one of a replaced image would keep it alive and never be claimed.
    await removeSparesOf(docker, retired);
    await removeSupersededImages(docker, retired);
    if (reports.some((report) => report.kind === "base" && report.status !== "up-to-date")) {
      // The stage that compiled the agent is only cache once the base holds the agent: not worth its disk.
      const stages = await listManagedImages(docker, { [LABELS.kind]: "build-stage" });
      await removeSupersededImages(
        docker,
        stages.filter((stage) => stage.tags.length === 0).map((stage) => stage.id),
      );
    }
  }

  /** The runtime image, built (with the base) when missing. An existing image is used as it is. */
  async function runtimeImage(runtime: RuntimeDefinition): Promise<string> {
    const tag = `${repository}:${runtime.name}`;
    if (await recentImages.get(tag, () => findImage(docker, tag))) return tag;
    const base = await planBase();
    const baseReport = await ensureImage(docker, base, ensureOptions());
    const report = await ensureImage(docker, runtimePlan(repository, runtime, base), ensureOptions());
    await retire([baseReport, report]);
    forgetLookups();
    return tag;
  }

  /**
   * The egress proxy's image, built when missing or when its own files or the base under it changed. The base
   * itself is built only when missing: a run never rebuilds what setup owns.
   */
  async function proxyImage(): Promise<{ tag: string; id: string }> {
    const baseTag = `${repository}:base`;
    const reports: ImageReport[] = [];
    let base = await findImage(docker, baseTag);
    if (!base) {
      reports.push(await ensureImage(docker, await planBase(), ensureOptions()));
      base = await findImage(docker, baseTag);
    }
    const baseHash = base?.labels[LABELS.buildHash] ?? base?.id ?? "";
    const report = await ensureImage(
      docker,
      proxyPlan(repository, options.assetsDir, { tag: baseTag, hash: baseHash }),
      ensureOptions(),
    );
    reports.push(report);
    await retire(reports);
    return { tag: report.tag, id: report.id };
  }

  /**
   * Picks the image for a run: a custom image whose packages cover the request (an exact match first, else the
   * smallest superset), else the custom image holding the most of them with the rest left to install, else the
   * runtime image with every package left to install. Only images under setup's tag scheme
   * (`<repository>:<runtime>-custom-<hash12>`) take part: an image built with `isol8 build --tag` is the user's to
   * name with `--image`, and picking it silently would tie runs to an image that may be retagged or pushed.
   */
  async function resolve(runtime: RuntimeDefinition, packages: readonly string[]): Promise<ResolvedImage> {
    const wanted = normalizePackageList(packages);
    const chosen =
      wanted.length > 0 ? chooseCustomImage(wanted, await customImages(runtime.name)) : undefined;
    if (chosen) return chosen;
    return { tag: await runtimeImage(runtime), missing: wanted, match: "runtime" };
  }

  /** Setup's custom images of a runtime, each with its scheme tag and baked packages. */
  async function customImages(runtime: string): Promise<CustomImageCandidate[]> {
    const prefix = `${repository}:${runtime}-custom-`;
    const images = await listManagedImages(docker, {
      [LABELS.kind]: "custom",
      [LABELS.runtime]: runtime,
      [LABELS.repository]: repository,
    });
    return images.flatMap((image) => {
      const tag = image.tags.find((candidate) => candidate.startsWith(prefix));
      return tag
        ? [{ tag, baked: parseDependencies(image.labels[LABELS.dependencies]), createdAt: image.createdAt }]
        : [];
    });
  }

  /** Builds a custom image under an explicit tag (`isol8 build --tag`). */
  function forgetLookups(): void {
    recentImages.clear();
  }

  async function buildTagged(
    runtime: RuntimeDefinition,
    packages: readonly string[],
    tag: string,
    { force, setup = [] }: { force?: boolean | undefined; setup?: readonly string[] | undefined } = {},
  ): Promise<ImageReport> {
    forgetLookups();
    const base = await planBase();
    const parentReports = [
      await ensureImage(docker, base, ensureOptions()),
      await ensureImage(docker, runtimePlan(repository, runtime, base), ensureOptions()),
    ];
    const plan = customPlan(
      repository,
      runtime,
      packages,
      runtimePlan(repository, runtime, base),
      tag,
      setup,
    );
    const report = await ensureImage(docker, plan, ensureOptions(force));
    await retire([...parentReports, report]);
    forgetLookups();
    return report;
  }

  /**
   * An image named by the user: it must exist, and carry isol8's labels unless `allowForeign`. Requested packages
   * that the image's dependency label lists are not installed again.
   */
  async function explicit(
    tag: string,
    packages: readonly string[],
    allowForeign = false,
  ): Promise<ResolvedImage> {
    const image = await findImage(docker, tag);
    if (!image) {
      throw new Isol8Error("IMAGE_MISSING", `Image ${tag} does not exist`, {
        hint: "Build it with `isol8 build --tag`, or check the name with `docker images`.",
      });
    }
    if (!allowForeign && !isOwnImage(image.tags, image.labels)) {
      throw new Isol8Error("IMAGE_NOT_ISOL8", `Image ${tag} was not built by isol8`, {
        hint: "Only isol8 images have the sandbox agent and user; pass --force-image to try it anyway.",
      });
    }
    const baked = parseDependencies(image.labels[LABELS.dependencies]);
    return {
      tag,
      missing: normalizePackageList(packages).filter((name) => !baked.includes(name)),
      match: "explicit",
    };
  }

  /** The image behind a tag, from the lookup the run already made when it is recent. */
  async function inspected(tag: string): Promise<StoredImage> {
    const image = await recentImages.get(tag, () => findImage(docker, tag));
    if (!image) throw new Isol8Error("IMAGE_MISSING", `Image ${tag} does not exist`);
    return image;
  }

  /** The ENV of an image, which commands in the sandbox start from. */
  async function environment(tag: string): Promise<string[]> {
    return (await inspected(tag)).env ?? [];
  }

  /** The id of the image a tag names now. */
  async function imageId(tag: string): Promise<string> {
    return (await inspected(tag)).id;
  }

  return { setup, runtimeImage, proxyImage, resolve, buildTagged, explicit, environment, imageId };
}

function parseDependencies(label: string | undefined): string[] {
  if (!label) return [];
  try {
    const parsed: unknown = JSON.parse(label);
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === "string") : [];
  } catch {
    return [];
  }
}

function readCertificates(paths: readonly string[]): CaCertificate[] {
  return paths.map((path) => {
    let pem: string;
    try {
      pem = readFileSync(path, "utf8");
    } catch (cause) {
      throw new Isol8Error("FILE_NOT_FOUND", `Extra CA certificate file ${path} cannot be read`, {
        hint: "Fix the path in extraCaCertificates or ISOL8_EXTRA_CA_CERTS.",
        cause,
      });
    }
    if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
      throw new Isol8Error("INVALID_INPUT", `Extra CA certificate file ${path} holds no PEM certificate`, {
        hint: "Give PEM files (-----BEGIN CERTIFICATE-----).",
      });
    }
    return { pem };
  });
}
