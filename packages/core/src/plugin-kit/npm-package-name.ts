// npm's name rules, starting with a letter or digit; capitals are allowed because old packages (JSONStream) have them.
const SCOPE = "@[a-z0-9][a-z0-9._~-]*";
const NAME = "[A-Za-z0-9][A-Za-z0-9._~-]*";
// A version, range or dist-tag: "4", "^1.2.0", "~1", "1.x", "latest", "5.0.0-beta.1".
const RANGE = "[A-Za-z0-9.^~=+_-]+";
const SPEC = new RegExp(`^(?:${SCOPE}/)?${NAME}(?:@${RANGE})?$`);

// npm treats a spec ending like a tarball as a local file.
const TARBALL = /\.(?:tgz|tar|tar\.gz)$/i;

/**
 * A package npm resolves from the registry: `name`, `@scope/name`, each with an optional `@version-or-range`.
 * Git shorthands (`user/repo`, `github:…`), URLs, paths, tarballs and aliases (`x@npm:y`) are refused, since npm
 * would fetch them from elsewhere or read local files.
 */
export function validateNpmPackage(spec: string): string | undefined {
  if (spec.includes(":"))
    return "URLs, git and alias specs (name@npm:other) are not accepted; give a registry name";
  if (spec.startsWith(".") || spec.startsWith("/") || spec.startsWith("~")) return "paths are not accepted";
  if (TARBALL.test(spec)) return "npm would read this as a local tarball, not a package name";
  if (!spec.startsWith("@") && spec.includes("/")) return "npm would read name/name as a GitHub repository";
  if (!SPEC.test(spec))
    return "expected an npm name with an optional @version, e.g. lodash@4 or @scope/pkg@^1";
  return undefined;
}
