/** Labels that mark what isol8 created. Cleanup only ever touches objects carrying `managed`. */
export const LABELS = {
  managed: "org.isol8.managed",
  kind: "org.isol8.kind",
  buildHash: "org.isol8.build.hash",
  depsHash: "org.isol8.deps.hash",
  runtime: "org.isol8.runtime",
  dependencies: "org.isol8.dependencies",
  repository: "org.isol8.repository",
  /** The tag an image was built under; images built FROM ours inherit it, which is how they are told apart. */
  tag: "org.isol8.tag",
  /** On a spare sandbox: the key (container spec and image id) of the runs it can serve. */
  spare: "org.isol8.spare",
  /** Hash of the filtered network policy an egress proxy and its internal network serve. */
  policy: "org.isol8.network.policy",
  /** On a sandbox network: `<host>:<pid>` of the process it belongs to. */
  owner: "org.isol8.network.owner",
} as const;

export type ObjectKind =
  | "base"
  | "runtime"
  | "custom"
  | "sandbox"
  | "session"
  | "proxy"
  | "netns"
  /** A build stage the classic builder keeps as an untagged image (the base's agent compiler). */
  | "build-stage";

/** Kinds isol8 sets on containers it creates; a container started from our image by someone else inherits another. */
export const CONTAINER_KINDS: readonly string[] = ["sandbox", "session", "proxy", "netns"];

/**
 * True when isol8 itself built this image: images built FROM ours inherit our labels, but not our tag. An untagged
 * image with our labels is one that a rebuild superseded.
 */
export function isOwnImage(tags: readonly string[], labels: Record<string, string> | undefined): boolean {
  if (labels?.[LABELS.managed] !== "true") return false;
  return tags.length === 0 || tags.includes(labels[LABELS.tag] ?? "");
}
