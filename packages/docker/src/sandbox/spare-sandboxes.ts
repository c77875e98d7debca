import { stableHash } from "@isol8/core";
import type Docker from "dockerode";
import { isNotFound } from "../client.js";
import { LABELS } from "../labels.js";
import { attachSandbox, type Sandbox } from "./sandbox.js";

/** Name prefix of a spare nobody has claimed yet; claiming renames it, so the prefix also tells them apart. */
export const SPARE_NAME_PREFIX = "isol8-spare-";

export interface SpareSandboxesOptions {
  /** An unclaimed spare ends itself (and is removed) after this long. */
  idleTimeoutMs: number;
  /** The image id behind a tag: a spare must not outlive a rebuild of its image. */
  imageId: (tag: string) => Promise<string>;
  /** Sends a container start and resolves once it is on its way, without waiting for the container to run. */
  launch: (containerId: string) => Promise<void>;
}

/**
 * Spare sandboxes shared between processes: a run leaves one started, never-used sandbox behind, and the next run
 * with the same container spec (a CLI call a moment later) claims it instead of starting its own — the container
 * start is most of a cold run. A spare is claimed by renaming it from its well-known name, which the engine does
 * for exactly one claimer; it serves one run like any sandbox, and ends itself when nobody claims it in time.
 */
export class SpareSandboxes {
  constructor(
    private readonly docker: Docker,
    private readonly options: SpareSandboxesOptions,
  ) {}

  /** Only single-use sandboxes without a network: a spare must be usable by any run of its spec as it stands. */
  static serves(spec: Docker.ContainerCreateOptions): boolean {
    return spec.StdinOnce === true && spec.HostConfig?.NetworkMode === "none" && !spec.name;
  }

  /**
   * The spare left for this spec, now this process's alone; undefined when there is none, another process claimed
   * it first, or it is unusable.
   *
   * A rename from the spare's name is not a lock: Docker resolves the old name before it locks the container, so two
   * renames that look it up at the same moment both succeed, one after the other. A rename to a name derived from
   * the container's id is one: the loser finds the container already named so and gets an error.
   */
  async claim(spec: Docker.ContainerCreateOptions): Promise<Sandbox | undefined> {
    let id: string;
    try {
      id = (await this.docker.getContainer(await this.nameFor(spec)).inspect()).Id;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    try {
      await this.docker.getContainer(id).rename({ name: claimedName(id) });
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode ?? 500;
      if (status >= 400 && status < 500) return undefined;
      throw error;
    }
    try {
      return { ...(await attachSandbox(this.docker, id, { startIfCreated: true })), prestarted: true };
    } catch {
      // Idled out at that very moment, or its start failed: a fresh sandbox serves this run instead.
      await this.docker
        .getContainer(id)
        .remove({ force: true, v: true })
        .catch(() => undefined);
      return undefined;
    }
  }

  /**
   * Creates the spare for this spec, not started yet: `launch` starts it. Undefined when another process left one
   * already (the name is taken). A process that dies before the launch leaves it created; its claimer starts it.
   */
  async create(spec: Docker.ContainerCreateOptions): Promise<string | undefined> {
    const image = await this.options.imageId(String(spec.Image));
    const key = this.keyOf(spec, image);
    try {
      const container = await this.docker.createContainer({
        ...spec,
        name: `${SPARE_NAME_PREFIX}${key}`,
        Image: image,
        Env: [...(spec.Env ?? []), `ISOL8_IDLE_TIMEOUT_MS=${this.options.idleTimeoutMs}`],
        Labels: { ...spec.Labels, [LABELS.spare]: key },
        HostConfig: { ...spec.HostConfig, AutoRemove: true },
      });
      return container.id;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 409) return undefined;
      throw error;
    }
  }

  /** Sends the start of a spare made by `create`, without waiting for the container to run. */
  launch(id: string): Promise<void> {
    return this.options.launch(id);
  }

  /** Creates the spare for this spec and sends its start. */
  async replenish(spec: Docker.ContainerCreateOptions): Promise<void> {
    const id = await this.create(spec);
    if (id) await this.launch(id);
  }

  /** The spec with the image's id, not its tag: a rebuilt image gets new spares. */
  private keyOf(spec: Docker.ContainerCreateOptions, image: string): string {
    return stableHash({ spec, image, idle: this.options.idleTimeoutMs }).slice(0, 24);
  }

  /** The name the spare for this spec has until it is claimed. */
  async nameFor(spec: Docker.ContainerCreateOptions): Promise<string> {
    return `${SPARE_NAME_PREFIX}${this.keyOf(spec, await this.options.imageId(String(spec.Image)))}`;
  }
}

/** The name a spare takes when it is claimed: one per container, so that only one claimer can give it. */
function claimedName(id: string): string {
  return `isol8-claimed-${id.slice(0, 32)}`;
}

/** Removes the unclaimed spares of these images, so that the images themselves can go (a rebuild replaced them). */
export async function removeSparesOf(docker: Docker, imageIds: readonly string[]): Promise<void> {
  if (imageIds.length === 0) return;
  const spares = await docker.listContainers({
    all: true,
    filters: JSON.stringify({ label: [`${LABELS.managed}=true`, LABELS.spare] }),
  });
  await Promise.all(
    spares
      .filter((spare) => imageIds.includes(spare.ImageID))
      .filter((spare) => spare.Names.some((name) => name.startsWith(`/${SPARE_NAME_PREFIX}`)))
      .map((spare) =>
        docker
          .getContainer(spare.Id)
          .remove({ force: true, v: true })
          .catch(() => undefined),
      ),
  );
}
