import { request } from "node:http";
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
    throw engineUnavailable(cause);
  }
}

function engineUnavailable(cause: unknown): Isol8Error {
  return new Isol8Error("ENGINE_UNAVAILABLE", "No Docker engine answers", {
    hint: "Start Docker (or run `bash tooling/ensure-docker.sh` as root on Debian) and retry.",
    cause,
  });
}

/**
 * The error as ENGINE_UNAVAILABLE when it is a failed connection to the engine, else as it is. Lets a run skip
 * the ping round trip and still say the right thing when no engine answers.
 */
export function explainConnectionFailure(error: unknown): unknown {
  const code = (error as { code?: string; syscall?: string } | null) ?? {};
  const refused = ["ECONNREFUSED", "ENOENT", "EACCES", "ECONNRESET", "EHOSTUNREACH", "ETIMEDOUT"];
  return code.syscall === "connect" && refused.includes(code.code ?? "") ? engineUnavailable(error) : error;
}

/**
 * Sends a container start and resolves as soon as the request is on its way, without waiting for the container
 * to run: a process may exit right after (the engine completes the start). Over TLS or SSH, where that shortcut
 * is not available, it waits for the start like any request.
 */
export async function launchContainer(docker: Docker, id: string): Promise<void> {
  const modem = docker.modem as {
    socketPath?: string | (() => Promise<string>);
    host?: string;
    port?: number;
    protocol?: string;
  };
  if (!modem.socketPath && modem.protocol !== "http") {
    await docker.getContainer(id).start();
    return;
  }
  // docker-modem finds the default socket lazily (a function) when neither DOCKER_HOST nor a path was given.
  const socketPath = typeof modem.socketPath === "function" ? await modem.socketPath() : modem.socketPath;
  const target = socketPath ? { socketPath } : { host: modem.host, port: modem.port };
  await new Promise<void>((resolve, reject) => {
    const sent = request({ ...target, path: `/containers/${encodeURIComponent(id)}/start`, method: "POST" });
    sent.on("socket", (socket) => socket.unref());
    sent.on("response", (response) => response.resume());
    sent.on("error", reject);
    sent.end(() => resolve());
  });
}
/** True when the engine says the object does not exist. */
export function isNotFound(error: unknown): boolean {
  return (error as { statusCode?: number } | null)?.statusCode === 404;
}

/** True when the engine refuses because the object is in use or has dependents. */
export function isConflict(error: unknown): boolean {
  return (error as { statusCode?: number } | null)?.statusCode === 409;
}
