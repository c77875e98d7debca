import { downloadVerified, envInstruction, type NpmTarballPin } from "@isol8/core";
import { BAKED_PREFIX } from "./environment.js";
import { INSTALL_SCRIPT } from "./install-script.js";

/** Names of the files the fragment copies from the build context (see `contextFiles`). */
export const INSTALL_SCRIPT_CONTEXT = "isol8-npm-install";

/**
 * The fragment over isol8:base: verified Node and npm tarballs, the install script, and
 * /node_modules -> /usr/local/lib/node_modules, through which ESM `import` finds baked packages from any directory
 * (it ignores NODE_PATH). The environment is also set in the image so that a bake (a RUN the engine gives no
 * environment) trusts the CAs.
 */
export function nodeDockerfile(node: NpmTarballPin, npm: NpmTarballPin, env: Record<string, string>): string {
  const modules = `${BAKED_PREFIX}/lib/node_modules`;
  const steps = [
    ...downloadVerified(node, "/tmp/node.tgz"),
    ...downloadVerified(npm, "/tmp/npm.tgz"),
    `tar -xzf /tmp/node.tgz -C ${BAKED_PREFIX} --strip-components=1 --no-same-owner package/bin/node`,
    `mkdir -p ${modules}/npm`,
    `tar -xzf /tmp/npm.tgz -C ${modules}/npm --strip-components=1 --no-same-owner`,
    `ln -s ../lib/node_modules/npm/bin/npm-cli.js ${BAKED_PREFIX}/bin/npm`,
    `ln -s ../lib/node_modules/npm/bin/npx-cli.js ${BAKED_PREFIX}/bin/npx`,
    "rm /tmp/node.tgz /tmp/npm.tgz",
    `ln -s ${modules} /node_modules`,
    "node --version",
    "npm --version",
  ];
  return [
    "USER root",
    `RUN ${steps.join(" \\\n    && ")}`,
    `COPY ${INSTALL_SCRIPT_CONTEXT} ${INSTALL_SCRIPT}`,
    `RUN chmod 0755 ${INSTALL_SCRIPT}`,
    envInstruction(env),
    "USER sandbox",
    "",
  ].join("\n");
}
