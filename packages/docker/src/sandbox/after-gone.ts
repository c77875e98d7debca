import type { Sandbox } from "./sandbox.js";

/**
 * The same sandbox, with `release` and `remove` calling `after` once its container is gone (`true`) or its removal
 * failed (`false`) — once, whichever is called first: what a sandbox borrowed (a namespace, a network) goes back
 * only when nothing of the sandbox can use it any more.
 */
export function afterGone(sandbox: Sandbox, after: (removed: boolean) => void): Sandbox {
  let settled: Promise<void> | undefined;
  const once = (gone: () => Promise<void>) => {
    settled ??= gone().then(
      () => after(true),
      (error: unknown) => {
        after(false);
        throw error;
      },
    );
    return settled;
  };
  return {
    ...sandbox,
    release: () => once(() => sandbox.release()),
    remove: () => once(() => sandbox.remove()),
  };
}
