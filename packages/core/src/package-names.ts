import { Isol8Error } from "./errors.js";
import type { RuntimeDefinition } from "./runtime.js";

// Characters a shell or a package manager's option parser could give meaning to. Package names never need them.
const FORBIDDEN = /[\s;&|`$<>(){}\\'"!*?#\u0000-\u001f\u007f]/;

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
  if (FORBIDDEN.test(name)) return "it contains whitespace, quotes or shell characters";
  return undefined;
}
