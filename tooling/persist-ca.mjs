// Records the CA bundle that tooling/env.sh hands to isol8 (ISOL8_EXTRA_CA_CERTS) in the user's isol8 config, so the
// commands the README shows next (`pnpm isol8 setup`, `pnpm isol8 run`), typed in a shell without env.sh, build images
// that trust a TLS-intercepting proxy too. isol8 adds the user config's extraCaCertificates to every project's.
// Keeps everything else in the file; writes nothing when the paths are already there.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";

const paths = (process.env.ISOL8_EXTRA_CA_CERTS ?? "")
  .split(delimiter)
  .filter(Boolean)
  .map((path) => resolve(path));
if (paths.length === 0) process.exit(0);

const file = join(homedir(), ".isol8", "config.json");
let config = {};
try {
  config = JSON.parse(readFileSync(file, "utf8"));
} catch (error) {
  if (error.code !== "ENOENT") {
    console.error(`[isol8] ${file} is not valid JSON (${error.message}); not recording the CA bundle there`);
    process.exit(0);
  }
}
const listed = (config.extraCaCertificates ?? []).map((path) => resolve(dirname(file), path));
const missing = paths.filter((path) => !listed.includes(path));
if (missing.length === 0) process.exit(0);

config.extraCaCertificates = [...(config.extraCaCertificates ?? []), ...missing];
mkdirSync(dirname(file), { recursive: true });
writeFileSync(`${file}.tmp`, `${JSON.stringify(config, null, 2)}\n`);
renameSync(`${file}.tmp`, file);
console.error(
  `[isol8] Recorded ${missing.join(", ")} as extraCaCertificates in ${file}: every isol8 command on this machine ` +
    "now builds images that trust it (remove it there to stop)",
);
