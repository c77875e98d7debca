export type { KubernetesLeftovers } from "./cleanup.js";
export { createKubernetesEngine, type KubernetesEngine, type KubernetesEngineOptions } from "./engine.js";
export { LABELS } from "./labels.js";
export type { ImagePullPolicy } from "./pod/pod-spec.js";
