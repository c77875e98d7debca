import { delimiter, resolve } from "node:path";
import { limitsSchema, type NetworkMode, networkPolicySchema } from "../execution.js";
import { isPathSpecifier } from "./resolve-plugin.js";
import { type ConfigFile, DEFAULT_OS_IMAGE, type RuntimePluginSpec } from "./schema.js";

/** Where a setting's value came from, for `isol8 config` to show. */
/** "user": `~/.isol8/config.json`, whose `extraCaCertificates` apply on this machine whatever the project. */
export type ConfigSource = "default" | "file" | "user" | "env";

/** Limits and network policy of every run unless a flag overrides them. Sizes in bytes, times in milliseconds. */
export interface ResolvedDefaults {
  /** @default 30000 */
  timeout: number;
  /** @default 512 MiB */
  memory: number;
  /** @default 1 */
  cpus: number;
  /** @default 128 */
  pids: number;
  /** @default 512 MiB */
  sandboxSize: number;
  /** @default 64 MiB */
  tmpSize: number;
  /** @default 1 MiB */
  maxOutput: number;
  /** @default 300000 */
  installTimeout: number;
  /** @default "none" */
  network: NetworkMode;
  /** @default [] */
  allow: string[];
  /** @default [] */
  deny: string[];
}

/** `isol8.config.json` with every value filled in: defaults applied, units normalised, paths absolute. */
export interface ResolvedConfig {
  /** Packages to bake per runtime, exactly as written (normalisation happens where images are built). @default {} */
  dependencies: Record<string, string[]>;
  /** Setup commands per runtime, run before every run's code. */
  setup: Record<string, string[]>;
  defaults: ResolvedDefaults;
  /** Absolute paths of PEM files to trust inside sandboxes. @default [] */
  extraCaCertificates: string[];
  /** @default "debian:bookworm-slim" */
  osImage: string;
  /** Third-party runtime plugins; relative module paths made absolute, package names left for the resolver. @default [] */
  runtimes: RuntimePluginSpec[];
  /** Registry host patterns that replace a runtime's own (private mirrors). @default {} */
  registries: Record<string, string[]>;
  pool: {
    /** Pre-started sandboxes per kind; 0 turns the pool off. @default 0 */
    size: number;
    /** Milliseconds an unused pre-started sandbox is kept. @default 300000 */
    idleTimeout: number;
  };
  /** Where sandboxes run. @default "docker" */
  engine: "docker" | "kubernetes";
  /** Settings of the Kubernetes engine, as written (`kubeconfig` absolute). @default {} */
  kubernetes: KubernetesSettings;
  /** Where sandbox networks take their subnets from, when the config says (the engine has a default). */
  addressPool?: { base: string; size: number };
  /** The audit log, when the config asks for one (`file` absolute). */
  audit?: { file: string; maxBytes: number; keep: number; includeCode: boolean; includeOutput: boolean };
  /** The CLI's spare sandbox, left by one run for the next. */
  spare: {
    /** @default true */
    enabled: boolean;
    /** Milliseconds an unclaimed spare waits before it removes itself. @default 60000 */
    idleTimeout: number;
  };
}

export interface KubernetesSettings {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  image?: { registry?: string; pullPolicy?: "Always" | "IfNotPresent" | "Never" };
  runtimeClassName?: string;
  seccompProfile?: string;
  verifyNetworkPolicy?: boolean;
}

export interface ResolveContext {
  /** Directory of the config file: relative paths in the file resolve against it. */
  baseDir: string;
  /** Relative paths in environment variables resolve against it. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /**
   * CA certificates the user's own config (`~/.isol8/config.json`) trusts, as absolute paths, when another file is
   * the config in use: trust in a proxy's CA belongs to the machine, not to a project.
   */
  userCertificates?: string[];
}

/** Fills in defaults and applies the environment. `file` is the validated file, or undefined when there is none. */
export function resolveConfig(
  file: ConfigFile | undefined,
  context: ResolveContext,
): { config: ResolvedConfig; sources: Record<string, ConfigSource> } {
  const sources: Record<string, ConfigSource> = {};
  function pick<T>(key: string, fromFile: T | undefined, fallback: T): T {
    sources[key] = fromFile === undefined ? "default" : "file";
    return fromFile ?? fallback;
  }

  const limits = limitsSchema.parse({});
  const network = networkPolicySchema.parse({});
  const given = file?.defaults ?? {};
  const defaults: ResolvedDefaults = {
    timeout: pick("defaults.timeout", given.timeout, limits.timeoutMs),
    memory: pick("defaults.memory", given.memory, limits.memoryBytes),
    cpus: pick("defaults.cpus", given.cpus, limits.cpus),
    pids: pick("defaults.pids", given.pids, limits.pids),
    sandboxSize: pick("defaults.sandboxSize", given.sandboxSize, limits.sandboxBytes),
    tmpSize: pick("defaults.tmpSize", given.tmpSize, limits.tmpBytes),
    maxOutput: pick("defaults.maxOutput", given.maxOutput, limits.maxOutputBytes),
    installTimeout: pick("defaults.installTimeout", given.installTimeout, limits.installTimeoutMs),
    network: pick("defaults.network", given.network, network.mode),
    allow: pick("defaults.allow", given.allow, network.allow),
    deny: pick("defaults.deny", given.deny, network.deny),
  };

  const fromFile = (path: string) => resolve(context.baseDir, path);
  const extraCaCertificates = pick("extraCaCertificates", file?.extraCaCertificates?.map(fromFile), []);
  const userCertificates = (context.userCertificates ?? []).filter(
    (path) => !extraCaCertificates.includes(path),
  );
  if (userCertificates.length > 0) {
    extraCaCertificates.push(...userCertificates);
    sources.extraCaCertificates = "user";
  }
  const envCertificates = splitPathList(context.env.ISOL8_EXTRA_CA_CERTS).map((path) =>
    resolve(context.cwd, path),
  );
  if (envCertificates.length > 0) {
    extraCaCertificates.push(...envCertificates.filter((path) => !extraCaCertificates.includes(path)));
    sources.extraCaCertificates = "env";
  }

  let osImage = pick("osImage", file?.osImage, DEFAULT_OS_IMAGE);
  const envImage = context.env.ISOL8_OS_IMAGE?.trim();
  if (envImage) {
    osImage = envImage;
    sources.osImage = "env";
  }

  const config: ResolvedConfig = {
    dependencies: pick("dependencies", file?.dependencies, {}),
    setup: pick("setup", file?.setup, {}),
    defaults,
    extraCaCertificates,
    osImage,
    runtimes: pick(
      "runtimes",
      file?.runtimes?.map((spec) => absoluteModule(spec, context.baseDir)),
      [],
    ),
    registries: pick("registries", file?.registries, {}),
    pool: {
      size: pick("pool.size", file?.pool?.size, 0),
      idleTimeout: pick("pool.idleTimeout", file?.pool?.idleTimeout, 5 * 60_000),
    },
    engine: pick("engine", file?.engine, "docker"),
    kubernetes: pick(
      "kubernetes",
      file?.kubernetes && {
        ...file.kubernetes,
        ...(file.kubernetes.kubeconfig ? { kubeconfig: fromFile(file.kubernetes.kubeconfig) } : {}),
      },
      {},
    ),
    spare: {
      enabled: pick("spare.enabled", file?.spare?.enabled, true),
      idleTimeout: pick("spare.idleTimeout", file?.spare?.idleTimeout, 60_000),
    },
  };
  if (file?.addressPool) {
    sources.addressPool = "file";
    config.addressPool = { base: file.addressPool.base, size: file.addressPool.size ?? 28 };
  }
  if (file?.audit) {
    sources.audit = "file";
    config.audit = {
      file: fromFile(file.audit.file),
      maxBytes: file.audit.maxSize ?? 10 * 1024 * 1024,
      keep: file.audit.keep ?? 5,
      includeCode: file.audit.includeCode ?? false,
      includeOutput: file.audit.includeOutput ?? false,
    };
  }
  return { config, sources };
}

function absoluteModule(spec: RuntimePluginSpec, baseDir: string): RuntimePluginSpec {
  if (typeof spec === "string") return isPathSpecifier(spec) ? resolve(baseDir, spec) : spec;
  return isPathSpecifier(spec.module) ? { ...spec, module: resolve(baseDir, spec.module) } : spec;
}

// Split like PATH (":", or ";" on Windows) so that Windows drive letters survive.
function splitPathList(value: string | undefined): string[] {
  return (value ?? "")
    .split(delimiter)
    .map((part) => part.trim())
    .filter((part) => part !== "");
}
