// npm names (see the node runtime) and JSR names (@scope/name, lower-case letters, digits and dashes).
const NPM_NAME = "(?:@[a-z0-9][a-z0-9._~-]*/)?[A-Za-z0-9][A-Za-z0-9._~-]*";
const JSR_NAME = "@[a-z0-9-]+/[a-z0-9-]+";
const RANGE = "[A-Za-z0-9.^~=+_-]+";
// A subpath export, as in npm:preact@10/hooks or jsr:@std/path@1/posix.
const SUBPATH = "(?:/[A-Za-z0-9_-][A-Za-z0-9._-]*)*";
const NPM = new RegExp(`^npm:${NPM_NAME}(?:@${RANGE})?${SUBPATH}$`);
const JSR = new RegExp(`^jsr:${JSR_NAME}(?:@${RANGE})?${SUBPATH}$`);

/**
 * A registry specifier as Deno imports it: `npm:chalk@5`, `npm:@scope/pkg@^1`, `jsr:@std/path`. Remote URLs and
 * paths are refused: an install fetches from the registries isol8 allows, and nothing else.
 */
export function validateDenoPackage(specifier: string): string | undefined {
  if (!specifier.startsWith("npm:") && !specifier.startsWith("jsr:")) {
    return "Deno installs registry specifiers only: prefix the name with npm: or jsr: (npm:chalk@5, jsr:@std/path)";
  }
  if (specifier.startsWith("jsr:") && !JSR.test(specifier)) {
    return "expected jsr:@scope/name with an optional @version, e.g. jsr:@std/path@1";
  }
  if (specifier.startsWith("npm:") && !NPM.test(specifier)) {
    return "expected npm:name or npm:@scope/name with an optional @version, e.g. npm:chalk@5";
  }
  return undefined;
}
