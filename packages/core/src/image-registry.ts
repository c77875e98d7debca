import { Isol8Error } from "./errors.js";

// The grammar of Docker's image references (a domain, an optional port, then lowercase path components), written
// out so that a bad registry is refused before anything is tagged or pushed.
const DOMAIN_PART = "[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?";
const HOST = `(?:${DOMAIN_PART}(?:\\.${DOMAIN_PART})*|\\[[0-9a-fA-F:]+\\])`;
const PATH_PART = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const REGISTRY = new RegExp(`^(${HOST})(:[0-9]{1,5})?((?:/${PATH_PART})*)$`);
/** Docker's limit for a repository name; the registry is part of it. */
const MAX_NAME_LENGTH = 255;

/**
 * A registry (and optional path) to put in front of isol8's image names: `registry.example.com/team`,
 * `127.0.0.1:5000`. Trailing slashes are dropped. Refused with INVALID_INPUT, naming `source` (the flag or config key
 * the value came from): a URL scheme, spaces or other characters an image name cannot hold, and a first component
 * that Docker would not read as a registry host (no dot, no port, not `localhost`: it would push to Docker Hub).
 */
export function parseImageRegistry(value: string, source: string): string {
  const registry = value.trim().replace(/\/+$/, "");
  const invalid = (why: string, hint: string) =>
    new Isol8Error("INVALID_INPUT", `${source} "${value}" is not a registry: ${why}`, { hint });
  const example = "Give a host with an optional port and path: registry.example.com/team or 127.0.0.1:5000.";
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(registry)) {
    throw invalid(
      "it has a URL scheme",
      `Leave out "${registry.split("://")[0]}://": Docker speaks HTTPS to a registry, and plain HTTP only to 127.0.0.0/8 and the daemon's insecure-registries.`,
    );
  }
  const match = REGISTRY.exec(registry);
  if (!match || registry.length + "/isol8:python-custom-000000000000".length > MAX_NAME_LENGTH) {
    throw invalid("expected host[:port][/path] with lowercase path components", example);
  }
  const [, host = "", port, path] = match;
  const portNumber = port ? Number(port.slice(1)) : 1;
  if (portNumber < 1 || portNumber > 65535) throw invalid(`port ${portNumber} is out of range`, example);
  if (!port && !host.includes(".") && !host.startsWith("[") && host !== "localhost") {
    throw invalid(
      `"${host}" is not a registry host (no dot, no port)`,
      `Docker would read it as a Docker Hub namespace: write docker.io/${host}${path ?? ""} for that, or name the registry's host.`,
    );
  }
  return registry;
}

/** `tag` (`isol8:python`) under a registry: `registry.example.com/team/isol8:python`; as it is without one. */
export function inRegistry(registry: string | undefined, tag: string): string {
  return registry ? `${registry.replace(/\/+$/, "")}/${tag}` : tag;
}
