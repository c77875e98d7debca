/** Options pip needs in every invocation: no prompts, no cache (every sandbox starts empty). */
const PIP_COMMON = ["--no-cache-dir", "--no-input", "--disable-pip-version-check"];

/**
 * Run-time install into the user site under /sandbox, as the sandbox user.
 * - `--break-system-packages`: Debian marks its Python as externally managed (PEP 668) and pip refuses even
 *   `--user` installs without it. The flag only affects this command, and a `--user` install cannot touch the
 *   packages apt manages, which is what the marker protects; deleting the marker from the image would instead
 *   lift the guard for every pip a user runs.
 * - TMPDIR=/sandbox: /tmp is noexec, and building an sdist runs tools (cmake, ninja) that pip installs into its
 *   temporary build environment.
 */
export function pythonInstall(packages: readonly string[]): string[] {
  return [
    "env",
    "TMPDIR=/sandbox",
    "python3",
    "-m",
    "pip",
    "install",
    "--user",
    "--break-system-packages",
    "--no-warn-script-location",
    ...PIP_COMMON,
    "--",
    ...packages,
  ];
}

/**
 * Bake into the image, as root: without `--user`, Debian's pip installs into /usr/local/lib/python3.11/dist-packages,
 * which is on every user's sys.path and apart from apt's /usr/lib/python3/dist-packages.
 */
export function pythonBake(packages: readonly string[]): string[] {
  return [
    "python3",
    "-m",
    "pip",
    "install",
    "--break-system-packages",
    "--root-user-action=ignore",
    ...PIP_COMMON,
    "--",
    ...packages,
  ];
}

export function pythonRunFile(file: string): string[] {
  return ["python3", file];
}

export function pythonRunInline(code: string): string[] {
  return ["python3", "-c", code];
}
