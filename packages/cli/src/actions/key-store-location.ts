import { homedir } from "node:os";
import { join } from "node:path";

/** Where `isol8 serve` and `isol8 keys` keep keys unless told: one SQLite file per user, beside setup's records. */
export function defaultKeyStoreLocation(env: NodeJS.ProcessEnv = process.env): string {
  const state = env.XDG_STATE_HOME || join(homedir(), ".local", "state");
  return join(state, "isol8", "keys.sqlite");
}
