import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Isol8Error } from "@isol8/core";
import type Docker from "dockerode";
import { isNotFound } from "../client.js";

/**
 * Makes the OS image (default debian:bookworm-slim) available: present → done; pullable → pulled; otherwise
 * bootstrapped from a Debian mirror by `ensure-os-image.sh` (mmdebstrap + docker import under the same tag), so
 * every Dockerfile is identical online and offline. Returns the image id.
 */
export async function ensureOsImage(
  docker: Docker,
  image: string,
  assetsDir: string,
  onLine?: (line: string) => void,
): Promise<string> {
  const existing = await inspectId(docker, image);
  if (existing) return existing;
  const script = join(assetsDir, "ensure-os-image.sh");
  if (!existsSync(script)) {
    throw new Isol8Error("IMAGE_MISSING", `The OS image ${image} is missing`, {
      hint: `Pull or load ${image}, then retry.`,
    });
  }
  onLine?.(`${image} is missing: pulling it or building it from a Debian mirror`);
  await runScript(script, [image], onLine);
  const built = await inspectId(docker, image);
  if (!built)
    throw new Isol8Error("IMAGE_MISSING", `The OS image ${image} is still missing after bootstrapping`);
  return built;
}

async function inspectId(docker: Docker, image: string): Promise<string | undefined> {
  try {
    return (await docker.getImage(image).inspect()).Id;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * child_process (with dgram and more) is loaded here, when the OS image must be made: a run never needs it. Through
 * require, which the CLI's bundle (a vm script, without import()) has too.
 */
function runScript(script: string, args: string[], onLine?: (line: string) => void): Promise<void> {
  const { spawn } = createRequire(import.meta.url)(
    "node:child_process",
  ) as typeof import("node:child_process");
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [script, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    const tail: string[] = [];
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n").filter(Boolean)) {
        tail.push(line);
        if (tail.length > 10) tail.shift();
        onLine?.(line);
      }
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve();
      else
        reject(
          new Isol8Error("IMAGE_MISSING", `Could not provide the OS image (${script} exited ${code})`, {
            hint: tail.join("\n"),
          }),
        );
    });
  });
}
