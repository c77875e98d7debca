import type Docker from "dockerode";
import { LABELS } from "../labels.js";
import { type BuildProgress, buildImage } from "./build-image.js";
import type { ImagePlan } from "./image-plan.js";
import { findImage } from "./image-store.js";

export type ImageStatus = "up-to-date" | "built" | "rebuilt";

export interface ImageReport {
  tag: string;
  kind: ImagePlan["kind"];
  status: ImageStatus;
  /** Wall-clock seconds spent on this image (checking or building). */
  seconds: number;
  /** Image id now behind the tag. */
  id: string;
  /** Id of the image this build replaced, removed once everything built. */
  supersededId?: string;
}

export interface EnsureImageOptions {
  force?: boolean;
  onProgress?: (progress: BuildProgress) => void;
}

/**
 * Builds the planned image unless an image with the same build hash already carries the tag. The tag moves to the
 * new image only when the build succeeded, so a failed build leaves the previous image in place and working.
 */
export async function ensureImage(
  docker: Docker,
  plan: ImagePlan,
  options: EnsureImageOptions = {},
): Promise<ImageReport> {
  const started = performance.now();
  const existing = await findImage(docker, plan.tag);
  const seconds = () => (performance.now() - started) / 1000;
  if (existing && !options.force && existing.labels[LABELS.buildHash] === plan.hash) {
    return { tag: plan.tag, kind: plan.kind, status: "up-to-date", seconds: seconds(), id: existing.id };
  }
  const id = await buildImage(docker, {
    tag: plan.tag,
    files: plan.files,
    labels: plan.labels,
    buildArgs: plan.buildArgs,
    ...(options.force ? { noCache: true } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const report: ImageReport = {
    tag: plan.tag,
    kind: plan.kind,
    status: existing ? "rebuilt" : "built",
    seconds: seconds(),
    id,
  };
  if (existing && existing.id !== id) report.supersededId = existing.id;
  return report;
}
