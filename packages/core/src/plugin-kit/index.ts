// Helpers for runtime plugin authors: Dockerfile text and npm-registry pins. Pure functions, no Docker.
export { envInstruction } from "./dockerfile-env.js";
export { validateNpmPackage } from "./npm-package-name.js";
export { checkPin, downloadVerified, type NpmTarballPin, sha512Hex, tarballUrl } from "./npm-tarball.js";
