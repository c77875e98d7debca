import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Isol8Error } from "@isol8/core";

/**
 * The folder holding the base Dockerfile, the agent and the seccomp profile. In the repository that is the top-level
 * `docker/` (so edits apply without a rebuild); a published package carries a copy in `assets/`.
 */
export function locateDockerAssets(override?: string): string {
  const candidates = override
    ? [override]
    : [
        fileURLToPath(new URL("../../../docker/", import.meta.url)),
        fileURLToPath(new URL("../assets/", import.meta.url)),
      ];
  for (const candidate of candidates) {
    if (existsSync(`${candidate}/Dockerfile`)) return candidate.replace(/\/$/, "");
  }
  throw new Isol8Error(
    "INTERNAL",
    `isol8's Docker assets were not found (looked in ${candidates.join(", ")})`,
    {
      hint: "Reinstall @isol8/docker; the package must contain its assets/ folder.",
    },
  );
}
