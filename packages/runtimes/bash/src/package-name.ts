// Debian policy: lower-case letters, digits, "+", "-" and "."; at least two characters, starting alphanumeric.
const NAME = "[a-z0-9][a-z0-9+.-]+";
// Debian versions: [epoch:]upstream[-revision].
const VERSION = "[0-9][A-Za-z0-9.+~:-]*";
const PACKAGE = new RegExp(`^${NAME}(?:=${VERSION})?$`);

/**
 * A Debian package name with an optional `=version`. Release selectors (`jq/bookworm-backports`), architecture
 * qualifiers (`jq:i386`) and a trailing "-" (which apt-get reads as "remove this package") are refused.
 */
export function validateDebianPackage(name: string): string | undefined {
  if (name.includes("/")) return "release selectors and paths are not accepted; give name or name=version";
  const [base = ""] = name.split("=");
  if (base.includes(":")) return "architecture qualifiers are not accepted";
  if (base.endsWith("-")) return "a trailing '-' asks apt-get to remove the package";
  if (!PACKAGE.test(name)) {
    return "expected a Debian package name (lower-case letters, digits, + - .) with an optional =version";
  }
  return undefined;
}
