import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "@isol8/core";
import { afterEach, describe, expect, it } from "vitest";

const script = fileURLToPath(new URL("../../tooling/persist-ca.mjs", import.meta.url));
const homes: string[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

function persist(home: string, caPaths: string): string {
  const env = { PATH: process.env.PATH, HOME: home, ISOL8_EXTRA_CA_CERTS: caPaths };
  return execFileSync(process.execPath, [script], {
    env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

describe("tooling/persist-ca.mjs (run by the quickstart)", () => {
  it("records the quickstart's CA bundle where every later isol8 command finds it, project configs included", () => {
    const home = mkdtempSync(join(tmpdir(), "isol8-home-"));
    homes.push(home);
    mkdirSync(join(home, ".isol8"));
    writeFileSync(join(home, ".isol8", "config.json"), JSON.stringify({ defaults: { memory: "1g" } }));
    persist(home, "/etc/ssl/certs/proxy.pem");
    persist(home, "/etc/ssl/certs/proxy.pem");
    const written = JSON.parse(readFileSync(join(home, ".isol8", "config.json"), "utf8"));
    expect(written).toEqual({
      defaults: { memory: "1g" },
      extraCaCertificates: ["/etc/ssl/certs/proxy.pem"],
    });

    // A shell without tooling/env.sh: no ISOL8_EXTRA_CA_CERTS, a project with a config of its own.
    const project = join(home, "project");
    mkdirSync(project);
    writeFileSync(join(project, "isol8.config.json"), "{}");
    const loaded = loadConfig({ cwd: project, homeDir: home, env: {} });
    expect(loaded.config.extraCaCertificates).toEqual(["/etc/ssl/certs/proxy.pem"]);
  });
});
