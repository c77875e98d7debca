export * from "./agent/index.js";
export {
  type AuditEntry,
  type AuditLog,
  type AuditLogOptions,
  auditEngine,
  createAuditLog,
} from "./audit/index.js";
export { backgroundWork } from "./background-work.js";
export { configJsonSchema, configJsonSchemaText } from "./config/json-schema.js";
export { CONFIG_FILE_NAME, type LoadConfigOptions, type LoadedConfig, loadConfig } from "./config/load.js";
export { type LoadRuntimePluginsOptions, loadRuntimePlugins } from "./config/load-runtimes.js";
export { mergeLimits, mergeNetworkPolicy } from "./config/merge.js";
export type { ConfigSource, KubernetesSettings, ResolvedConfig, ResolvedDefaults } from "./config/resolve.js";
export {
  type ConfigFile,
  type ConfigFileInput,
  configFileSchema,
  DEFAULT_OS_IMAGE,
  type RuntimePluginSpec,
  runtimePluginSpecSchema,
} from "./config/schema.js";
export {
  BLOCKED_ADDRESS_RANGES,
  LOG_TAG,
  type ParsedPolicy,
  PROXY_PORT,
  proxyEnvironment,
  REFUSAL_PAGES,
  squidConfig,
} from "./egress/index.js";
export type {
  ExecuteOptions,
  RuntimeInfo,
  SandboxEngine,
  Session,
  SessionExecutionInput,
  SessionInfo,
  SessionOptions,
} from "./engine.js";
export { Isol8Error, type Isol8ErrorCode, type Isol8ErrorOptions, isIsol8Error } from "./errors.js";
export { eventStream } from "./event-stream.js";
export {
  type DownloadedFile,
  type ExecutionDurations,
  type ExecutionEvent,
  type ExecutionRequest,
  type ExecutionRequestInput,
  type ExecutionResult,
  executionRequestSchema,
  type ImageMatch,
  type Limits,
  type LimitsInput,
  limitsSchema,
  type NetworkLogEntry,
  type NetworkMode,
  type NetworkPolicy,
  type NetworkRefusal,
  networkPolicySchema,
  type SandboxFile,
  type SandboxFileInput,
  sandboxFileSchema,
} from "./execution.js";
export { canonicalJson, customImageTag, dependencyHash, normalizePackageList, stableHash } from "./hash.js";
export {
  type HostPattern,
  normalizeNetworkPolicy,
  parseHostPattern,
  parseHostPatterns,
} from "./host-patterns.js";
export { inRegistry, parseImageRegistry } from "./image-registry.js";
export { parseCpus, parseDuration, parsePositiveInt, parseSize } from "./limits.js";
export { validatePackageName, validatePackageNames } from "./package-names.js";
export { type PackagePairing, packageKindOf, packagePairing } from "./package-pairing.js";
export {
  checkPin,
  downloadVerified,
  envInstruction,
  matchMissingModule,
  NPM_MISSING_MODULE_PATTERNS,
  NPM_WELL_KNOWN_PACKAGES,
  type NpmTarballPin,
  npmPackageName,
  plainPackageName,
  sha512Hex,
  tarballUrl,
  validateNpmPackage,
} from "./plugin-kit/index.js";
export {
  createProgramInput,
  PROGRAM_SIGNAL_NUMBERS,
  PROGRAM_SIGNALS,
  type ProgramInput,
  type ProgramInputSource,
  type ProgramSignal,
} from "./program-input.js";
export { createRuntimeRegistry, type RuntimeRegistry } from "./registry.js";
export {
  defineRuntime,
  type RuntimeDefinition,
  runtimeDefinitionSchema,
  runtimeImageInputs,
} from "./runtime.js";
export { describeRuntimes } from "./runtime-info.js";
export { serialQueue } from "./serial-queue.js";
export { validateSessionExecution, validateSessionFiles } from "./session-input.js";
export { assertSessionName } from "./session-name.js";
export { assertInsideSandbox, type ValidatedRequest, validateRequest } from "./validate-request.js";
export { formatZodIssues } from "./zod-issues.js";
