// PEP 508 names: letters and digits, with ".", "_" and "-" only between them.
const NAME = "[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?";
const EXTRAS = `\\[${NAME}(?:,${NAME})*\\]`;
// PEP 440 versions plus the wildcard of "==1.*"; the operator list is PEP 440's.
const SPECIFIER = "(?:===|==|!=|~=|<=|>=|<|>)[A-Za-z0-9.*+!_-]+";
const REQUIREMENT = new RegExp(`^(${NAME})(?:${EXTRAS})?(?:${SPECIFIER}(?:,${SPECIFIER})*)?$`);

// pip installs a requirement that looks like an archive file name from the file, not from PyPI.
const ARCHIVE = /\.(?:whl|zip|tar|tgz|tbz|txz|tlz|tar\.gz|tar\.bz2|tar\.xz|tar\.lz|tar\.lzma)$/i;

/**
 * A requirement pip resolves from the index only: a PEP 508 name with optional extras and version specifiers
 * (`numpy==2.1.0`, `requests[socks]>=2,<3`). URLs, paths, VCS links and direct references are refused, since pip
 * would fetch them from outside the registries isol8 allows.
 */
export function validatePythonPackage(requirement: string): string | undefined {
  if (requirement.includes("://") || /^(?:git|hg|svn|bzr)\+/i.test(requirement)) {
    return "URLs and VCS links are not accepted; give a package name from the index";
  }
  if (requirement.includes("/") || requirement.startsWith(".") || requirement.startsWith("~")) {
    return "paths are not accepted; give a package name from the index";
  }
  if (requirement.includes("@")) return "direct references (name@url) are not accepted";
  const match = REQUIREMENT.exec(requirement);
  if (!match) {
    return "expected a PEP 508 name with optional extras and version specifiers, e.g. numpy==2.1.0";
  }
  if (ARCHIVE.test(match[1] ?? "")) return "pip would read this as a local archive file, not a package name";
  return undefined;
}
