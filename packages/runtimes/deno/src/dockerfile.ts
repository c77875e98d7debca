import { downloadVerified, envInstruction, type NpmTarballPin } from "@isol8/core";
import { DENO_SCRIPT } from "./deno-script.js";
import { BAKED_DENO_DIR } from "./environment.js";

/** Name of the wrapper script in the build context (see `contextFiles`). */
export const DENO_SCRIPT_CONTEXT = "isol8-deno";

/**
 * The fragment over isol8:base: the verified Deno tarball, the wrapper and an empty baked cache. The environment
 * is also set in the image so that a bake (a RUN the engine gives no environment) trusts the CAs.
 */
export function denoDockerfile(deno: NpmTarballPin, env: Record<string, string>): string {
  const steps = [
    ...downloadVerified(deno, "/tmp/deno.tgz"),
    "tar -xzf /tmp/deno.tgz -C /usr/local/bin --strip-components=1 --no-same-owner package/deno",
    "rm /tmp/deno.tgz",
    `mkdir -p ${BAKED_DENO_DIR}`,
    "deno --version",
  ];
  return [
    "USER root",
    `RUN ${steps.join(" \\\n    && ")}`,
    `COPY ${DENO_SCRIPT_CONTEXT} ${DENO_SCRIPT}`,
    `RUN chmod 0755 ${DENO_SCRIPT}`,
    envInstruction(env),
    "USER sandbox",
    "",
  ].join("\n");
}
