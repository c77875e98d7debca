import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** What the engine needs to log in to a registry for a push (the X-Registry-Auth header). */
export interface RegistryCredentials {
  username?: string;
  password?: string;
  identitytoken?: string;
  serveraddress: string;
}

interface DockerConfigFile {
  auths?: Record<string, { auth?: string; identitytoken?: string }>;
}

/** Docker Hub's key in the docker CLI's config, whatever name the user gave it. */
const DOCKER_HUB_KEY = "https://index.docker.io/v1/";

/**
 * The credentials `docker login` stored in the docker CLI's config (`$DOCKER_CONFIG/config.json`, else
 * `~/.docker/config.json`) for the registry's host; none when that file has no entry (a local registry needs none).
 * Only the file's own `auths` entries are read: credential helpers (`credsStore`, `credHelpers`) are not run.
 */
export function registryCredentials(
  registry: string,
  configDir = process.env.DOCKER_CONFIG || join(homedir(), ".docker"),
): RegistryCredentials {
  const host = registry.split("/")[0] ?? registry;
  const serveraddress = host === "docker.io" || host === "index.docker.io" ? DOCKER_HUB_KEY : host;
  const entry = readAuths(join(configDir, "config.json"))[serveraddress] ?? {};
  if (entry.identitytoken) return { identitytoken: entry.identitytoken, serveraddress };
  if (!entry.auth) return { serveraddress };
  const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return { serveraddress };
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), serveraddress };
}

function readAuths(file: string): NonNullable<DockerConfigFile["auths"]> {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as DockerConfigFile;
    return parsed.auths ?? {};
  } catch {
    return {};
  }
}
