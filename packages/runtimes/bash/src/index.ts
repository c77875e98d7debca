import {
  defineRuntime,
  Isol8Error,
  matchMissingModule,
  plainPackageName,
  type RuntimeDefinition,
} from "@isol8/core";
import { aptInstallScript } from "./apt-install-script.js";
import { bashBake, bashInstall, bashRunFile, bashRunInline } from "./commands.js";
import { APT_INSTALL_SCRIPT_CONTEXT, bashDockerfile } from "./dockerfile.js";
import { APT_HOME, bashEnv, bashPath } from "./environment.js";
import { validateDebianPackage } from "./package-name.js";

export { validateDebianPackage } from "./package-name.js";

export interface BashOptions {
  /**
   * The `major.minor` of the OS image's bash, checked at build time. Bash is part of every Debian image, so the
   * OS image, not this plugin, decides it; change this together with the OS image.
   * @default "5.2" (Debian bookworm)
   */
  bashVersion?: string;
  /**
   * Host names apt needs for run-time installs: those of the OS image's apt sources.
   * @default ["deb.debian.org", "security.debian.org"]
   */
  registries?: string[];
}

/** The Bash runtime: Debian packages installed at run time by unpacking them under /sandbox/.apt. */
export function bash(options: BashOptions = {}): RuntimeDefinition {
  const bashVersion = options.bashVersion ?? "5.2";
  if (!/^[0-9]+\.[0-9]+$/.test(bashVersion)) {
    throw new Isol8Error("RUNTIME_INVALID", `bashVersion "${bashVersion}" is not major.minor`, {
      hint: 'Give the OS image\'s bash version as "5.2".',
    });
  }
  return defineRuntime({
    name: "bash",
    extensions: [".sh"],
    inlineFileName: "main.sh",
    versions: { bash: bashVersion },
    dockerfile: bashDockerfile(bashVersion, bashEnv),
    contextFiles: { [APT_INSTALL_SCRIPT_CONTEXT]: aptInstallScript },
    globalInstallPath: APT_HOME,
    env: { ...bashEnv },
    path: [...bashPath],
    install: bashInstall,
    bake: bashBake,
    runFile: bashRunFile,
    runInline: bashRunInline,
    // Bookworm's images fetch the archive and security updates from deb.debian.org; older images (and some
    // derived ones) name security.debian.org for the latter.
    registries: [...(options.registries ?? ["deb.debian.org", "security.debian.org"])],
    validatePackage: validateDebianPackage,
    packageKind: "Debian packages",
    missingModule: (stderr) => matchMissingModule(stderr, [/: ([A-Za-z0-9][\w.+-]*): command not found/]),
    packageName: plainPackageName,
    // Commands a script most often expects; their Debian packages bear the same names.
    wellKnownPackages: ["jq", "curl", "wget", "git", "ripgrep", "imagemagick", "ffmpeg", "sqlite3", "bc"],
  });
}

export default bash;
