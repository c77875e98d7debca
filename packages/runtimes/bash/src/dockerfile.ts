import { envInstruction } from "@isol8/core";
import { APT_INSTALL_SCRIPT } from "./apt-install-script.js";

/** Name of the install script in the build context (see `contextFiles`). */
export const APT_INSTALL_SCRIPT_CONTEXT = "isol8-apt-install";

/**
 * The fragment over isol8:base, whose bash is Debian's: the install script, and a check that bash is the
 * `major.minor` recorded in `versions`. The environment is also set in the image, as the other runtimes do.
 */
export function bashDockerfile(bashVersion: string, env: Record<string, string>): string {
  const check = `[[ \${BASH_VERSINFO[0]}.\${BASH_VERSINFO[1]} == ${bashVersion} ]]`;
  return [
    "USER root",
    `COPY ${APT_INSTALL_SCRIPT_CONTEXT} ${APT_INSTALL_SCRIPT}`,
    `RUN chmod 0755 ${APT_INSTALL_SCRIPT} \\`,
    `    && bash -c '${check}'`,
    envInstruction(env),
    "USER sandbox",
    "",
  ].join("\n");
}
