import { APT_INSTALL_SCRIPT } from "./apt-install-script.js";

export function bashInstall(packages: readonly string[]): string[] {
  return [APT_INSTALL_SCRIPT, "--", ...packages];
}

export function bashBake(packages: readonly string[]): string[] {
  return [APT_INSTALL_SCRIPT, "--system", "--", ...packages];
}

export function bashRunFile(file: string): string[] {
  return ["bash", file];
}

/** `--` so that code starting with "-" is not read as a bash option. */
export function bashRunInline(code: string): string[] {
  return ["bash", "-c", "--", code];
}
