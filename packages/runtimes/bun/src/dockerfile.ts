import { downloadVerified, envInstruction, type NpmTarballPin } from "@isol8/core";
import { BAKED_BUN_INSTALL, globalModules } from "./environment.js";

/**
 * The fragment over isol8:base: the verified Bun tarball, and an empty baked-packages folder so that NODE_PATH
 * names a directory that exists. The environment is also set in the image so that a bake (a RUN the engine gives
 * no environment) trusts the CAs.
 */
export function bunDockerfile(bun: NpmTarballPin, env: Record<string, string>): string {
  const steps = [
    ...downloadVerified(bun, "/tmp/bun.tgz"),
    "tar -xzf /tmp/bun.tgz -C /usr/local --strip-components=1 --no-same-owner package/bin/bun",
    "ln -s bun /usr/local/bin/bunx",
    "rm /tmp/bun.tgz",
    `mkdir -p ${globalModules(BAKED_BUN_INSTALL)}`,
    "bun --version",
  ];
  return ["USER root", `RUN ${steps.join(" \\\n    && ")}`, envInstruction(env), "USER sandbox", ""].join(
    "\n",
  );
}
