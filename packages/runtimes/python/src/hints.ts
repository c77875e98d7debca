import { matchMissingModule } from "@isol8/core";

/** How a Python program says an import is missing: `ModuleNotFoundError: No module named 'numpy.linalg'`. */
export function pythonMissingModule(stderr: string): string | undefined {
  return matchMissingModule(stderr, [/ModuleNotFoundError: No module named '([^'.]+)/]);
}

/**
 * A requirement's project name as PyPI compares them (PEP 503): extras and specifiers dropped, lower-case, runs of
 * `-`, `_` and `.` folded to `-`. `Typing_Extensions~=4.0` → `typing-extensions`.
 */
export function pythonPackageName(requirement: string): string {
  const name = /^[^=<>!~[;\s@]+/.exec(requirement)?.[0] ?? requirement;
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/** PyPI projects people reach for most, for the pairing hint on the other runtimes. */
export const pythonWellKnownPackages = [
  "numpy",
  "pandas",
  "scipy",
  "scikit-learn",
  "matplotlib",
  "seaborn",
  "requests",
  "flask",
  "django",
  "fastapi",
  "pydantic",
  "torch",
  "tensorflow",
  "beautifulsoup4",
  "sqlalchemy",
  "pillow",
  "sympy",
];
