import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, runCli } from "./helpers/cli.js";

/**
 * A build that fails on TLS verification ends with the hint naming extraCaCertificates/ISOL8_EXTRA_CA_CERTS. The
 * failure is real: a runtime plugin whose image build fetches the npm registry (a registry we may reach) while
 * trusting only a CA that signed nothing — curl exits 60, as it does behind a proxy whose CA the image lacks.
 */
describe("the TLS hint", () => {
  let dir: string;
  const pem = readFileSync(join(repoRoot, "tests/fixtures/tls/untrusted-ca.pem"), "utf8");

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "isol8-tls-"));
    const plugin = `export default () => ({
  name: "tlsprobe",
  extensions: [".tlsprobe"],
  inlineFileName: "main.tlsprobe",
  versions: { probe: "1" },
  dockerfile: "USER root\\nCOPY untrusted-ca.pem /untrusted-ca.pem\\nRUN curl -sS --cacert /untrusted-ca.pem -o /dev/null https://registry.npmjs.org/\\nUSER sandbox",
  contextFiles: { "untrusted-ca.pem": ${JSON.stringify(pem)} },
  globalInstallPath: "/sandbox/.tlsprobe",
  install: () => ["true"],
  bake: () => ["true"],
  runFile: (file) => ["cat", file],
});
`;
    writeFileSync(join(dir, "tlsprobe.mjs"), plugin);
    writeFileSync(join(dir, "isol8.config.json"), JSON.stringify({ runtimes: ["./tlsprobe.mjs"] }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("ends a build that failed on an untrusted certificate with the hint, after curl's own words", async () => {
    const result = await runCli(["run", "-r", "tlsprobe", "-e", "x"], { cwd: dir });
    expect(result.code).toBe(125);
    expect(result.stderr).toContain("isol8: Building isol8:tlsprobe failed");
    expect(result.stderr).toMatch(/curl: \(60\)/);
    const last = result.stderr.trimEnd().split("\n").at(-1) ?? "";
    expect(last).toContain("extraCaCertificates");
    expect(last).toContain("ISOL8_EXTRA_CA_CERTS");
  });
});
