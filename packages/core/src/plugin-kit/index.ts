// Helpers for runtime plugin authors: Dockerfile text and npm-registry pins. Pure functions, no Docker.
export { envInstruction } from "./dockerfile-env.js";
export { validateNpmPackage } from "./npm-package-name.js";
export { checkPin, downloadVerified, type NpmTarballPin, sha512Hex, tarballUrl } from "./npm-tarball.js";
export {
  matchMissingModule,
  NPM_MISSING_MODULE_PATTERNS,
  NPM_WELL_KNOWN_PACKAGES,
  npmPackageName,
  plainPackageName,
} from "./package-hints.js";
