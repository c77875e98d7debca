import type Docker from "dockerode";
import { isConflict, isNotFound } from "../client.js";
import { LABELS } from "../labels.js";

export interface StoredImage {
  id: string;
  tags: string[];
  labels: Record<string, string>;
  createdAt: number;
  /** The image's ENV (known from an inspect, not from a listing). */
  env?: string[];
}

/** The image a tag points at, or undefined. */
export async function findImage(docker: Docker, tag: string): Promise<StoredImage | undefined> {
  try {
    const info = await docker.getImage(tag).inspect();
    return {
      id: info.Id,
      tags: info.RepoTags ?? [],
      labels: info.Config?.Labels ?? {},
      createdAt: Date.parse(info.Created),
      env: info.Config?.Env ?? [],
    };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Every image carrying isol8's managed label, optionally narrowed by more labels. */
export async function listManagedImages(
  docker: Docker,
  extraLabels: Record<string, string> = {},
): Promise<StoredImage[]> {
  const label = [`${LABELS.managed}=true`, ...Object.entries(extraLabels).map(([k, v]) => `${k}=${v}`)];
  const images = await docker.listImages({ all: false, filters: JSON.stringify({ label }) });
  return images.map((image) => ({
    id: image.Id,
    tags: (image.RepoTags ?? []).filter((tag) => tag !== "<none>:<none>"),
    labels: image.Labels ?? {},
    createdAt: image.Created * 1000,
  }));
}

/**
 * Removes images that a rebuild superseded, children before parents. An image still used by a container or by a
 * child image is kept (the engine refuses with 409): it is never worth breaking something the user still runs.
 */
export async function removeSupersededImages(docker: Docker, ids: readonly string[]): Promise<string[]> {
  const removed: string[] = [];
  for (const id of [...ids].reverse()) {
    try {
      await docker.getImage(id).remove({ noprune: false });
      removed.push(id);
    } catch (error) {
      if (!isNotFound(error) && !isConflict(error)) throw error;
    }
  }
  return removed;
}
