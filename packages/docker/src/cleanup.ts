import type Docker from "dockerode";
import { isConflict, isNotFound } from "./client.js";
import { CONTAINER_KINDS, isOwnImage, LABELS } from "./labels.js";

export interface Leftovers {
  containers: { id: string; name: string; state: string }[];
  images: { id: string; tags: string[]; created: number }[];
  /** Internal networks of filtered policies (their proxies are among the containers). */
  networks: { id: string; name: string }[];
}

export interface CleanupReport {
  containersRemoved: number;
  imagesRemoved: number;
  /** Images the engine refused to remove (used by a container that is not ours, or tagged elsewhere). */
  imagesKept: string[];
  networksRemoved: number;
  /** Networks the engine refused to remove (a container that is not ours is still attached). */
  networksKept: string[];
}

/** isol8's containers (and images, when asked), found by the managed label only: nothing else is ever touched. */
export async function findLeftovers(docker: Docker, options: { images?: boolean } = {}): Promise<Leftovers> {
  const filters = JSON.stringify({ label: [`${LABELS.managed}=true`] });
  const containers = await docker.listContainers({ all: true, filters });
  const images = options.images ? await docker.listImages({ filters }) : [];
  const networks = await docker.listNetworks({
    filters: JSON.stringify({ label: [`${LABELS.managed}=true`, `${LABELS.kind}=network`] }),
  });
  return {
    containers: containers
      .filter((container) => CONTAINER_KINDS.includes(container.Labels[LABELS.kind] ?? ""))
      .map((container) => ({
        id: container.Id,
        name: (container.Names[0] ?? container.Id).replace(/^\//, ""),
        state: container.State,
      })),
    images: images
      .map((image) => ({
        id: image.Id,
        tags: (image.RepoTags ?? []).filter((tag) => tag !== "<none>:<none>"),
        created: image.Created,
        ownTag: image.Labels?.[LABELS.tag],
        own: isOwnImage(
          (image.RepoTags ?? []).filter((tag) => tag !== "<none>:<none>"),
          image.Labels,
        ),
      }))
      .filter((image) => image.own)
      // Only the tag our build gave, and only while the image still carries it: a superseded image has lost it to
      // its successor, and removing by that tag would remove the successor instead.
      .map(({ id, tags, ownTag, created }) => ({
        id,
        tags: ownTag && tags.includes(ownTag) ? [ownTag] : [],
        created,
      })),
    networks: networks.map((network) => ({ id: network.Id, name: network.Name })),
  };
}

export async function cleanupResources(docker: Docker, leftovers: Leftovers): Promise<CleanupReport> {
  let containersRemoved = 0;
  for (const container of leftovers.containers) {
    try {
      await docker.getContainer(container.id).remove({ force: true, v: true });
      containersRemoved++;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  // Newest first: custom and runtime images are children of the base (built after it) and must go before it.
  const images = [...leftovers.images].sort((a, b) => b.created - a.created);
  let imagesRemoved = 0;
  const imagesKept: string[] = [];
  for (const image of images) {
    try {
      // By our tag: an image the user also tagged keeps their tag and only loses ours.
      await docker.getImage(image.tags[0] ?? image.id).remove();
      imagesRemoved++;
    } catch (error) {
      if (isNotFound(error)) continue;
      if (isConflict(error)) imagesKept.push(image.tags[0] ?? image.id);
      else throw error;
    }
  }
  // After the containers: a network goes only once nothing is attached to it.
  let networksRemoved = 0;
  const networksKept: string[] = [];
  for (const network of leftovers.networks) {
    try {
      await docker.getNetwork(network.id).remove();
      networksRemoved++;
    } catch (error) {
      if (isNotFound(error)) continue;
      if (isConflict(error) || (error as { statusCode?: number }).statusCode === 403)
        networksKept.push(network.name);
      else throw error;
    }
  }
  return { containersRemoved, imagesRemoved, imagesKept, networksRemoved, networksKept };
}
