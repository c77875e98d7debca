import { Isol8Error, inRegistry } from "@isol8/core";
import type Docker from "dockerode";
import { isNotFound } from "../client.js";
import { registryCredentials } from "./registry-auth.js";

/** One image pushed to a registry. */
export interface PushReport {
  /** The local image ("isol8:python"). */
  tag: string;
  /** Where it went ("127.0.0.1:5000/isol8:python"). */
  image: string;
  /** The manifest digest the registry stored ("sha256:…"). */
  digest: string;
}

interface PushMessage {
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { Tag?: string; Digest?: string };
}

/**
 * Tags each image as `<registry>/<tag>` and pushes it, one after another; stops at the first failure with
 * IMAGE_PUSH_FAILED. The registry tags this adds are removed again afterwards, pushed or not, so the local store
 * keeps one name per image (isol8's cleanup and rebuilds find images by their own tag); a tag that existed before
 * is left alone.
 */
export async function pushImages(
  docker: Docker,
  registry: string,
  tags: readonly string[],
): Promise<PushReport[]> {
  const authconfig = registryCredentials(registry);
  const reports: PushReport[] = [];
  for (const tag of tags) {
    const image = inRegistry(registry, tag);
    const added = !(await exists(docker, image));
    const separator = image.lastIndexOf(":");
    await docker.getImage(tag).tag({ repo: image.slice(0, separator), tag: image.slice(separator + 1) });
    try {
      const digest = await push(docker, image, authconfig);
      reports.push({ tag, image, digest });
    } catch (cause) {
      throw pushFailed(registry, tag, cause);
    } finally {
      if (added)
        await docker
          .getImage(image)
          .remove({ noprune: true })
          .catch(() => undefined);
    }
  }
  return reports;
}

async function exists(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

async function push(docker: Docker, image: string, authconfig: object): Promise<string> {
  const separator = image.lastIndexOf(":");
  const stream = await docker
    .getImage(image.slice(0, separator))
    .push({ tag: image.slice(separator + 1), authconfig });
  const messages = await new Promise<PushMessage[]>((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null, output: PushMessage[]) =>
      error ? reject(error) : resolve(output),
    );
  });
  const failure = messages.find((message) => message.error);
  if (failure) throw new Error(failure.errorDetail?.message ?? failure.error);
  const digest = messages.find((message) => message.aux?.Digest)?.aux?.Digest;
  if (!digest) throw new Error("the engine reported no digest for the pushed image");
  return digest;
}

/** The engine's reason in one line, with the fix for the usual causes. Exported for its unit test. */
export function pushFailed(registry: string, tag: string, cause: unknown): Isol8Error {
  const reason = (cause instanceof Error ? cause.message : String(cause)).split("\n")[0]?.trim() ?? "";
  return new Isol8Error("IMAGE_PUSH_FAILED", `Pushing ${tag} to ${registry} failed: ${reason}`, {
    hint: pushHint(registry, tag, reason),
    cause,
  });
}

function pushHint(registry: string, tag: string, reason: string): string {
  const host = registry.split("/")[0] ?? registry;
  if (/server gave HTTP response to HTTPS client/i.test(reason)) {
    return `${host} speaks plain HTTP: Docker allows that only for 127.0.0.0/8 and the registries in the daemon's "insecure-registries" (/etc/docker/daemon.json); serve it over HTTPS or add it there and restart Docker.`;
  }
  if (/unauthorized|authentication required|denied|forbidden/i.test(reason)) {
    return `The registry refused the credentials: run \`docker login ${host}\` (isol8 reads the auths of ~/.docker/config.json; credential helpers are not run) and check the account may push there.`;
  }
  if (/x509|certificate/i.test(reason)) {
    return `Docker does not trust ${host}'s certificate: put its CA in /etc/docker/certs.d/${host}/ca.crt and retry.`;
  }
  if (
    /connection refused|no such host|i\/o timeout|no route to host|network is unreachable|dial tcp/i.test(
      reason,
    )
  ) {
    return `Nothing answers at ${host}: check the address and port, and that the registry runs and Docker's host can reach it.`;
  }
  return `Check that ${registry} is a registry Docker can push to (\`docker push ${inRegistry(registry, tag)}\` shows the same).`;
}
