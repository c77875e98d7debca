import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliResult, runBuiltCli } from "../docker/helpers/cli.js";

/** `isol8` as a user's shell starts it (the built file, through its shebang), with NODE_EXTRA_CA_CERTS as given. */
function launch(args: string[], extraCa: string | undefined): Promise<CliResult> {
  return runBuiltCli(args, { env: { NODE_EXTRA_CA_CERTS: extraCa }, timeoutMs: 30_000 });
}

/** A CA of the test's own and a certificate for 127.0.0.1 that it signed: a stand-in for a TLS-inspecting proxy. */
function makeCertificates(dir: string): { ca: string; key: string; cert: string } {
  // Each command is one line of words (no word has a space), run in `dir`.
  const openssl = (words: string) => execFileSync("openssl", words.split(" "), { cwd: dir, stdio: "ignore" });
  openssl("req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=isol8-test-CA -keyout ca.key -out ca.pem");
  openssl("req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout server.key -out server.csr");
  writeFileSync(join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
  openssl(
    "x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext -out server.pem",
  );
  const read = (name: string) => readFileSync(join(dir, name), "utf8");
  return { ca: join(dir, "ca.pem"), key: read("server.key"), cert: read("server.pem") };
}

describe("the isol8 launcher (dist/bin.cjs) defers NODE_EXTRA_CA_CERTS", () => {
  let dir: string;
  let server: Server;
  let ca: string;
  let url: string;
  const requests: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "isol8-launcher-"));
    const certificates = makeCertificates(dir);
    ca = certificates.ca;
    server = createServer({ key: certificates.key, cert: certificates.cert }, (request, response) => {
      requests.push(`${request.method} ${request.url}`);
      response.writeHead(401, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: { code: "UNAUTHORIZED", message: "test server: key refused" } }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it("does not make Node read the certificates at start: a local command never opens the file", async () => {
    // Node itself warns about an unreadable NODE_EXTRA_CA_CERTS before any script runs; deferred, nobody reads it.
    const result = await launch(["run", "--help"], join(dir, "missing.pem"));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Run code in a fresh, hardened sandbox");
    expect(result.stderr).toBe("");
  });

  it("still trusts them for a TLS connection: a remote run reaches a server signed by that CA", async () => {
    requests.length = 0;
    const args = ["run", "--host", url, "--key", "k", "--runtime", "python", "-e", "print(1)"];
    const trusted = await launch(args, ca);
    expect(requests.length, trusted.stderr).toBeGreaterThan(0);
    expect(trusted.stderr).not.toMatch(/certificate/i);
    expect(trusted.code).not.toBe(0);

    requests.length = 0;
    const untrusted = await launch(args, undefined);
    expect(untrusted.code).not.toBe(0);
    expect(untrusted.stderr).toMatch(/certificate/i);
    expect(requests).toEqual([]);
  });

  it("warns, as Node does, when a command that may use TLS cannot read the file", async () => {
    const result = await launch(["config"], join(dir, "missing.pem"));
    expect(result.stderr).toMatch(/Ignoring extra certs from .*missing\.pem/);
  });

  it("leaves `node dist/bin.cjs` as Node made it: the certificates are loaded at start", async () => {
    // The same file runBuiltCli starts (the test command builds it before the tests), handed to node by name.
    const bin = fileURLToPath(new URL("../../packages/cli/dist/bin.cjs", import.meta.url));
    const result = spawnSync(process.execPath, [bin, "--version"], {
      env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: join(dir, "missing.pem") },
      encoding: "utf8",
    });
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/Ignoring extra certs/);
  });
});
