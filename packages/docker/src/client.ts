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

/** Where the engine listens, for the few requests made without dockerode; undefined over TLS or SSH. */
async function plainTarget(
  docker: Docker,
): Promise<{ socketPath: string } | { host?: string; port?: number } | undefined> {
  const modem = docker.modem as {
    socketPath?: string | (() => Promise<string>);
    host?: string;
    port?: number;
    protocol?: string;
  };
  if (!modem.socketPath && modem.protocol !== "http") return undefined;
  // docker-modem finds the default socket lazily (a function) when neither DOCKER_HOST nor a path was given.
  const socketPath = typeof modem.socketPath === "function" ? await modem.socketPath() : modem.socketPath;
  return socketPath ? { socketPath } : { host: modem.host, port: modem.port };
}

/**
 * Watches for a container's removal. `registered` resolves once the engine has taken the watch (it answers the
 * headers only then), so a removal that starts afterwards cannot be missed — Docker 20.10 never answers a watch
 * that came in while the removal was already under way. `removed` resolves when the container is gone (or was
 * gone already). Aborting drops the request.
 */
export function watchRemoval(
  docker: Docker,
  id: string,
  signal: AbortSignal,
): { registered: Promise<void>; removed: Promise<void> } {
  let onRegistered: () => void = () => undefined;
  const registered = new Promise<void>((resolve) => {
    onRegistered = resolve;
  });
  const removed = (async () => {
    const target = await plainTarget(docker);
    if (!target) {
      onRegistered();
      await docker.getContainer(id).wait({ condition: "removed", abortSignal: signal });
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const path = `/containers/${encodeURIComponent(id)}/wait?condition=removed`;
      const sent = request({ ...target, path, method: "POST", signal });
      sent.on("response", (response) => {
        onRegistered();
        response.resume();
        if (response.statusCode === 404) resolve();
        else if ((response.statusCode ?? 500) >= 300)
          reject(new Error(`wait answered ${response.statusCode}`));
        else response.on("end", () => resolve());
      });
      sent.on("error", reject);
      sent.end();
    });
  })();
  removed.catch(() => onRegistered());
  return { registered, removed };
}

/**
 * Sends a container start and resolves as soon as the request is on its way, without waiting for the container
 * to run: a process may exit right after (the engine completes the start). Over TLS or SSH, where that shortcut
 * is not available, it waits for the start like any request.
 */
export async function launchContainer(docker: Docker, id: string): Promise<void> {
  const target = await plainTarget(docker);
  if (!target) {
    await docker.getContainer(id).start();
    return;
  }
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
