/** Labels that mark what isol8 created. Cleanup only ever touches objects carrying `managed`. */
export const LABELS = {
  managed: "org.isol8.managed",
  kind: "org.isol8.kind",
  buildHash: "org.isol8.build.hash",
  depsHash: "org.isol8.deps.hash",
  runtime: "org.isol8.runtime",
  dependencies: "org.isol8.dependencies",
  repository: "org.isol8.repository",
} as const;

export type ObjectKind = "base" | "runtime" | "custom" | "sandbox";
