import { envInstruction } from "@isol8/core";
import type { PythonPins } from "./pins.js";

/**
 * The fragment over isol8:base. The environment is set in the image as well as by the engine, so that a bake
 * (a `RUN` in a custom image, which the engine gives no environment) trusts the same CA bundle.
 */
export function pythonDockerfile(pins: PythonPins, env: Record<string, string>): string {
  const [major, minor] = pins.pythonMinor.split(".");
  return [
    "USER root",
    "RUN apt-get update \\",
    "    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \\",
    `        python3=${pins.python3} python3-pip=${pins.pip} \\`,
    "    && apt-get clean && rm -rf /var/lib/apt/lists/* \\",
    `    && python3 -c 'import sys; sys.exit(sys.version_info[:2] != (${major}, ${minor}))'`,
    envInstruction(env),
    "USER sandbox",
    "",
  ].join("\n");
}
