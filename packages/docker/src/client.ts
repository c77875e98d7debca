import { Isol8Error } from "@isol8/core";
import Docker from "dockerode";

/** How to reach the Docker engine. Empty means what the docker CLI would use (DOCKER_HOST, else the socket). */
export interface DockerConnectionOptions {
  socketPath?: string;
  host?: string;
  port?: number;
  protocol?: "http" | "https";
}

export function createDockerClient(options: DockerConnectionOptions = {}): Docker {
  return new Docker(options);
}

/** Fails with ENGINE_UNAVAILABLE and an actionable hint when no engine answers. */
export async function assertEngineAvailable(docker: Docker): Promise<void> {
  try {
    await docker.ping();
  } catch (cause) {
    throw new Isol8Error("ENGINE_UNAVAILABLE", "No Docker engine answers", {
      hint: "Start Docker (or run `bash tooling/ensure-docker.sh` as root on Debian) and retry.",
      cause,
    });
  }
}

/** True when the engine says the object does not exist. */
export function isNotFound(error: unknown): boolean {
  return (error as { statusCode?: number } | null)?.statusCode === 404;
}

/** True when the engine refuses because the object is in use or has dependents. */
export function isConflict(error: unknown): boolean {
  return (error as { statusCode?: number } | null)?.statusCode === 409;
}
