import { Isol8Error } from "./errors.js";

/** The contract's session names (SandboxEngine.session): every engine accepts exactly these. */
const SESSION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

/** Throws INVALID_INPUT for a name no engine accepts, before anything is looked up or created. */
export function assertSessionName(name: string): void {
  if (!SESSION_NAME.test(name)) {
    throw new Isol8Error("INVALID_INPUT", `Session name "${name}" is not valid`, {
      hint: "Use letters, digits, '.', '_' and '-' (up to 63 characters).",
    });
  }
}
