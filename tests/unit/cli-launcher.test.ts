import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The launcher is written by `pnpm build` (packages/cli/scripts/bundle.mjs); the test command builds before tests.
const bin = fileURLToPath(new URL("../../packages/cli/dist/bin.cjs", import.meta.url));

interface Launched {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `isol8` the way a user's shell does: the file itself, through its shebang. */
function launch(args: string[], env: NodeJS.ProcessEnv): Promise<Launched> {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`pnpm build\` first`);
  const clean = { PATH: process.env.PATH, HOME: process.env.HOME, ...env };
  return new Promise((resolve) => {
    execFile(bin, args, { env: clean, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
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
    const result = await launch(["run", "--help"], { NODE_EXTRA_CA_CERTS: join(dir, "missing.pem") });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Run code in a fresh, hardened sandbox");
    expect(result.stderr).toBe("");
  });

  it("still trusts them for a TLS connection: a remote run reaches a server signed by that CA", async () => {
    requests.length = 0;
    const args = ["run", "--host", url, "--key", "k", "--runtime", "python", "-e", "print(1)"];
    const trusted = await launch(args, { NODE_EXTRA_CA_CERTS: ca });
    expect(requests.length, trusted.stderr).toBeGreaterThan(0);
    expect(trusted.stderr).not.toMatch(/certificate/i);
    expect(trusted.code).not.toBe(0);

    requests.length = 0;
    const untrusted = await launch(args, {});
    expect(untrusted.code).not.toBe(0);
    expect(untrusted.stderr).toMatch(/certificate/i);
    expect(requests).toEqual([]);
  });

  it("warns, as Node does, when a command that may use TLS cannot read the file", async () => {
    const result = await launch(["config"], { NODE_EXTRA_CA_CERTS: join(dir, "missing.pem") });
    expect(result.stderr).toMatch(/Ignoring extra certs from .*missing\.pem/);
  });

  it("leaves `node dist/bin.cjs` as Node made it: the certificates are loaded at start", async () => {
    const result = await new Promise<Launched>((resolve) => {
      execFile(
        process.execPath,
        [bin, "--version"],
        { env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: join(dir, "missing.pem") } },
        (error, stdout, stderr) => resolve({ code: error === null ? 0 : 1, stdout, stderr }),
      );
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Ignoring extra certs/);
  });
});
