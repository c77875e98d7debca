import { Isol8Error } from "./errors.js";
import type { RuntimeDefinition } from "./runtime.js";

// Characters that chain, substitute or quote in a shell, and control characters. Package names never need them.
// isol8 never passes names through a shell (argv arrays only); this is defence in depth. Version operators
// (< > ! * ~ ^ = [ ]) stay allowed because pip and npm specifiers use them.
const FORBIDDEN = /[\s;&|`$(){}\\'"#]/;

/**
 * Rejects names that would smuggle flags (`--index-url=…`, `-e`), shell syntax (`; rm -rf /`) or control characters
 * into a package manager, then applies the runtime's own rule. Version specifiers (`numpy==2.1.0`, `lodash@4`,
 * `@scope/pkg@^1`) pass.
 */
export function validatePackageName(runtime: RuntimeDefinition, name: string): void {
  const reason = genericProblem(name) ?? runtime.validatePackage?.(name);
  if (reason) {
    throw new Isol8Error(
      "PACKAGE_NAME_INVALID",
      `"${name}" is not a valid ${runtime.name} package name: ${reason}`,
      { hint: "Give a plain package name, optionally with a version (numpy==2.1.0, lodash@4)." },
    );
  }
}

/** Validates every name; throws on the first bad one. */
export function validatePackageNames(runtime: RuntimeDefinition, names: readonly string[]): void {
  for (const name of names) validatePackageName(runtime, name);
}

function genericProblem(name: string): string | undefined {
  if (name.length === 0) return "it is empty";
  if (name.length > 214) return "it is longer than 214 characters";
  if (name.startsWith("-")) return "it starts with '-', which a package manager would read as an option";
  if (FORBIDDEN.test(name) || hasControlCharacter(name))
    return "it contains whitespace, quotes or shell characters";
  return undefined;
}

function hasControlCharacter(name: string): boolean {
  return [...name].some((character) => {
    const code = character.charCodeAt(0);
    return code < 0x20 || code === 0x7f;
  });
}
