import { createRuntimeRegistry, loadConfig, type RuntimeRegistry } from "@isol8/core";
import { createDockerEngine, type DockerEngine, type DockerEngineOptions } from "@isol8/docker";
import bash from "@isol8/runtime-bash";
import bun from "@isol8/runtime-bun";
import deno from "@isol8/runtime-deno";
import node from "@isol8/runtime-node";
import python from "@isol8/runtime-python";
import { useHostCaBundle } from "./host-ca.js";

export function builtInRuntimes(): RuntimeRegistry {
  return createRuntimeRegistry([python(), node(), bun(), deno(), bash()]);
}

/**
 * An engine configured the way the CLI would be on this machine (extra CA certificates from ISOL8_EXTRA_CA_CERTS,
 * which the test script sets to the host's bundle), so tests and the CLI share the same images.
 */
export function buildTestEngine(
  options: { progress?: boolean } & Partial<DockerEngineOptions> = {},
): DockerEngine {
  useHostCaBundle();
  const { config } = loadConfig({ cwd: process.cwd() });
  const { progress, ...rest } = options;
  return createDockerEngine({
    runtimes: builtInRuntimes(),
    osImage: config.osImage,
    extraCaCertificates: config.extraCaCertificates,
    ...(progress
      ? {
          onBuildProgress: ({ image, line }) => {
            if (/^Step \d+\/\d+ :/.test(line)) process.stderr.write(`[setup] ${image}: ${line}\n`);
          },
        }
      : {}),
    ...rest,
  });
}
