/**
 * Labels that mark what isol8 created in the namespace; the keys are the Docker adapter's, so one vocabulary serves
 * both. Cleanup only ever touches objects carrying `managed`.
 */
export const LABELS = {
  managed: "org.isol8.managed",
  kind: "org.isol8.kind",
  runtime: "org.isol8.runtime",
  /** On a session's pod: the session's name. */
  session: "org.isol8.session",
  /** On a pooled pod: the key (image, limits, network) of the executions it can serve. */
  pool: "org.isol8.pool",
  /** The network policy a sandbox pod falls under: "none", or "filtered-<hash>". */
  network: "org.isol8.network",
} as const;

export type ObjectKind = "sandbox" | "session" | "proxy" | "network-policy";

/** The selector of everything isol8 made, or of one kind of it. */
export function managedSelector(kind?: ObjectKind): string {
  return kind ? `${LABELS.managed}=true,${LABELS.kind}=${kind}` : `${LABELS.managed}=true`;
}
