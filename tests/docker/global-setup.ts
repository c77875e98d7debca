import { execFileSync } from "node:child_process";
import { buildTestEngine } from "./helpers/engine.js";
import { useHostCaBundle } from "./helpers/host-ca.js";

/**
 * Docker tests need a real engine and the runtime images. A missing engine fails the run — never a silent skip —
 * with the command that fixes it. Images are built once here (skipped when up to date).
 */
export default async function setup(): Promise<void> {
  try {
    execFileSync("docker", ["info"], { stdio: "ignore" });
  } catch {
    throw new Error(
      "Docker tests need a running Docker engine and none answers `docker info`. " +
        "Run `bash tooling/ensure-docker.sh` (root on Debian) or start Docker, then retry.",
    );
  }
  useHostCaBundle();
  const engine = buildTestEngine({ progress: true });
  const started = performance.now();
  const reports = await engine.setup();
  await engine.close();
  const built = reports.filter((report) => report.status !== "up-to-date").map((report) => report.tag);
  process.stderr.write(
    `[docker tests] images ready in ${((performance.now() - started) / 1000).toFixed(1)} s` +
      (built.length > 0 ? ` (built: ${built.join(", ")})\n` : " (all up to date)\n"),
  );
}
