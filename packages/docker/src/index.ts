// Sessions are part of the engine contract in core; re-exported for code that imported them from here.
export type { Session, SessionInfo, SessionOptions } from "@isol8/core";
// Moved to core (every engine names custom images alike); re-exported for code that imported it from here.
export { customImageTag } from "@isol8/core";
export type { CleanupReport, Leftovers } from "./cleanup.js";
export type { DockerConnectionOptions } from "./client.js";
export {
  createDockerEngine,
  type DockerEngine,
  type DockerEngineOptions,
  type PrewarmRequest,
} from "./engine.js";
export type { BuildProgress } from "./images/build-image.js";
export type { ImageReport, ImageStatus } from "./images/ensure-image.js";
export type { SetupOptions } from "./images/image-manager.js";
export type { PushReport } from "./images/push-image.js";
export { LABELS } from "./labels.js";
