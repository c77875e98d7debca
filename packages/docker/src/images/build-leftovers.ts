import type Docker from "dockerode";
import { isConflict, isNotFound } from "../client.js";

const STEP = /^Step \d+\/\d+ : (\S+)/;
const USING_CACHE = /^\s*---> Using cache$/;
const RESULT = /^\s*---> ([0-9a-f]{12,64})$/;

/**
 * Reads the classic builder's output and collects the images this build committed: the ` ---> <id>` that ends each
 * step, unless the step came from the cache or is a FROM (which names an existing image). When a later step fails,
 * these images are left untagged, unused and invisible to isol8's labels-based cleanup.
 */
export function createBuildLeftoverTracker() {
  const created: string[] = [];
  let skipStep = false;
  return {
    line(text: string): void {
      const step = STEP.exec(text);
      if (step) {
        skipStep = step[1]?.toUpperCase() === "FROM";
        return;
      }
      if (USING_CACHE.test(text)) {
        skipStep = true;
        return;
      }
      const result = RESULT.exec(text);
      if (result?.[1] && !skipStep) created.push(result[1]);
    },
    /** Ids (short, as printed) of the images committed by this build, oldest first. */
    created: (): string[] => [...created],
  };
}

/**
 * Removes what a failed build committed, newest first so that each one is childless when its turn comes. Only
 * untagged images go; one still used (a concurrent build reusing it as cache, a container) is left alone.
 */
export async function removeBuildLeftovers(docker: Docker, ids: readonly string[]): Promise<void> {
  for (const id of [...ids].reverse()) {
    try {
      const image = await docker.getImage(id).inspect();
      if ((image.RepoTags ?? []).some((tag) => tag !== "<none>:<none>")) continue;
      await docker.getImage(image.Id).remove({ noprune: true });
    } catch (error) {
      if (!isNotFound(error) && !isConflict(error)) throw error;
    }
  }
}
