import { dirname } from "node:path";
import {
  auditEngine,
  createAuditLog,
  createRuntimeRegistry,
  type LoadedConfig,
  loadConfig,
  loadRuntimePlugins,
  type RuntimeDefinition,
  type RuntimeRegistry,
} from "@isol8/core";
import { createDockerEngine, type DockerEngine } from "@isol8/docker";
import bash from "@isol8/runtime-bash";
import bun from "@isol8/runtime-bun";
import deno from "@isol8/runtime-deno";
import node from "@isol8/runtime-node";
import python from "@isol8/runtime-python";
import { createBuildProgressPrinter } from "./progress.js";

export interface CliContext {
  loaded: LoadedConfig;
  runtimes: RuntimeRegistry;
  engine: DockerEngine;
}

/** Config, then runtimes (built-in plus those the config names): what commands need before any engine. */
export async function loadCliRuntimes(
  configPath: string | undefined,
): Promise<Pick<CliContext, "loaded" | "runtimes">> {
  const loaded = loadConfig(configPath ? { path: configPath } : {});
  const thirdParty = await loadRuntimePlugins(loaded.config.runtimes, {
    baseDir: loaded.file ? dirname(loaded.file) : process.cwd(),
  });
  const definitions: RuntimeDefinition[] = [python(), node(), bun(), deno(), bash(), ...thirdParty].map(
    (runtime) => withRegistryOverride(runtime, loaded.config.registries[runtime.name]),
  );
  return { loaded, runtimes: createRuntimeRegistry(definitions) };
}

/** Config, then runtimes (built-in plus those the config names), then the engine: what every command needs. */
export async function createCliContext(options: {
  config?: string | undefined;
  /** Claim and leave spare sandboxes (`isol8 run`): as the config says, or as a flag says. @default off */
  spares?: boolean | "as-configured";
  /** Keep this many sandboxes started ahead (`isol8 serve`): as the config's `pool.size` says, or at least this. */
  minimumPool?: number;
}): Promise<CliContext> {
  const { loaded, runtimes } = await loadCliRuntimes(options.config);
  const poolSize = Math.max(loaded.config.pool.size, options.minimumPool ?? 0);
  const spares = options.spares === "as-configured" ? loaded.config.spare.enabled : options.spares === true;
  const engine = createDockerEngine({
    runtimes,
    osImage: loaded.config.osImage,
    extraCaCertificates: loaded.config.extraCaCertificates,
    onBuildProgress: createBuildProgressPrinter(),
    ...(spares ? { spares: { idleTimeoutMs: loaded.config.spare.idleTimeout } } : {}),
    ...(loaded.config.addressPool ? { addressPool: loaded.config.addressPool } : {}),
    ...(poolSize > 0 ? { pool: { size: poolSize, idleTimeoutMs: loaded.config.pool.idleTimeout } } : {}),
  });
  // Every execution the CLI starts goes through the audit log when the config asks for one.
  const audit = loaded.config.audit;
  return { loaded, runtimes, engine: audit ? auditEngine(engine, createAuditLog(audit)) : engine };
}

/** A private mirror named in the config replaces the registries a runtime's installs may reach. */
function withRegistryOverride(
  runtime: RuntimeDefinition,
  registries: string[] | undefined,
): RuntimeDefinition {
  return registries ? { ...runtime, registries } : runtime;
}
