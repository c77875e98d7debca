import { defineRuntime, Isol8Error, type RuntimeDefinition } from "@isol8/core";
import { pythonBake, pythonInstall, pythonRunFile, pythonRunInline } from "./commands.js";
import { pythonDockerfile } from "./dockerfile.js";
import { pythonEnv, pythonPath, USER_BASE } from "./environment.js";
import { pythonMissingModule, pythonPackageName, pythonWellKnownPackages } from "./hints.js";
import { validatePythonPackage } from "./package-name.js";
import { defaultPythonPins, type PythonPins } from "./pins.js";

export { validatePythonPackage } from "./package-name.js";
export { defaultPythonPins, type PythonPins } from "./pins.js";

export interface PythonOptions {
  /**
   * Debian versions to install instead of the defaults (for a newer point release or another suite).
   * @default defaultPythonPins
   */
  pins?: Partial<PythonPins>;
}

/** The Python runtime: Debian's python3 and pip, run-time installs with `pip install --user` under /sandbox. */
export function python(options: PythonOptions = {}): RuntimeDefinition {
  const pins = checkPins({ ...defaultPythonPins, ...options.pins });
  return defineRuntime({
    name: "python",
    extensions: [".py"],
    inlineFileName: "main.py",
    versions: { python: pins.pythonMinor, "debian:python3": pins.python3, "debian:python3-pip": pins.pip },
    dockerfile: pythonDockerfile(pins, pythonEnv),
    globalInstallPath: USER_BASE,
    env: { ...pythonEnv },
    path: [...pythonPath],
    install: pythonInstall,
    bake: pythonBake,
    runFile: pythonRunFile,
    runInline: pythonRunInline,
    registries: ["pypi.org", "files.pythonhosted.org"],
    validatePackage: validatePythonPackage,
    packageKind: "PyPI packages",
    missingModule: pythonMissingModule,
    packageName: pythonPackageName,
    wellKnownPackages: [...pythonWellKnownPackages],
  });
}

export default python;

// Debian version syntax (epoch, upstream, revision); anything else would end up unquoted in a Dockerfile RUN.
const DEBIAN_VERSION = /^(?:[0-9]+:)?[0-9][A-Za-z0-9.+~-]*$/;

function checkPins(pins: PythonPins): PythonPins {
  const problems = [
    DEBIAN_VERSION.test(pins.python3) ? undefined : `pins.python3 "${pins.python3}" is not a Debian version`,
    DEBIAN_VERSION.test(pins.pip) ? undefined : `pins.pip "${pins.pip}" is not a Debian version`,
    /^[0-9]+\.[0-9]+$/.test(pins.pythonMinor)
      ? undefined
      : `pins.pythonMinor "${pins.pythonMinor}" is not major.minor`,
  ].filter((problem) => problem !== undefined);
  if (problems.length > 0) {
    throw new Isol8Error("RUNTIME_INVALID", `Python runtime options are invalid: ${problems.join("; ")}`, {
      hint: 'Give Debian versions as `apt-cache policy` shows them, e.g. { "python3": "3.11.2-1+b1" }.',
    });
  }
  return pins;
}
