export {
  type ConformanceCapabilities,
  type ConformanceOptions,
  defineEngineConformance,
} from "./define-conformance.js";
