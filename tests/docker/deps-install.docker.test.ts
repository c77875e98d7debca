import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { type EngineSpy, spyOnEngine, startedContainers } from "./helpers/engine-spy.js";
import { waitUntilGone } from "./helpers/watched-engine.js";

/**
 * `isol8 run --install` with the real registries, one package per runtime. Every program first uses its package,
 * then tries to write to the root file system and to reach the network: the install had the network, the program
 * must not. Each line is asserted exactly, so a failed import (no output, exit 1) cannot pass for a blocked network.
 */
const PYTHON = `
import os, socket
import numpy
print("numpy", numpy.__version__)
try:
    os.open("/usr/lib/isol8-probe", os.O_CREAT | os.O_WRONLY)
    print("write allowed")
except OSError as error:
    print("write", error.strerror)
try:
    socket.getaddrinfo("pypi.org", 443)
    print("dns resolved")
except socket.gaierror as error:
    print("dns", error.strerror)
try:
    socket.create_connection(("151.101.0.223", 443), timeout=5)
    print("connected")
except OSError as error:
    print("connect", error.strerror)
`;

const NODE_ESM = `
import _ from "lodash";
import { writeFileSync } from "node:fs";
console.log("lodash", _.VERSION);
try { writeFileSync("/usr/lib/isol8-probe", "x"); console.log("write allowed"); }
catch (error) { console.log("write", error.code); }
try { await fetch("https://registry.npmjs.org/"); console.log("fetched"); }
catch (error) { console.log("fetch", error.cause?.code); }
`;

const NODE_CJS = `
const _ = require("lodash");
const { writeFileSync } = require("node:fs");
const { lookup } = require("node:dns");
console.log("lodash", _.VERSION);
try { writeFileSync("/usr/lib/isol8-probe", "x"); console.log("write allowed"); }
catch (error) { console.log("write", error.code); }
lookup("registry.npmjs.org", (error) => console.log("dns", error ? error.code : "resolved"));
`;

const BUN = `
import { z } from "zod";
import { writeFileSync } from "node:fs";
console.log("zod", z.object({ a: z.number() }).parse({ a: 1 }).a);
try { writeFileSync("/usr/lib/isol8-probe", "x"); console.log("write allowed"); }
catch (error) { console.log("write", error.code); }
try { await fetch("https://registry.npmjs.org/"); console.log("fetched"); }
catch (error) { console.log("fetch", error.code); }
`;

const DENO = `
import isOdd from "npm:is-odd";
console.log("is-odd", isOdd(3));
try { Deno.writeTextFileSync("/usr/lib/isol8-probe", "x"); console.log("write allowed"); }
catch (error) { console.log("write", error.code); }
try { await fetch("https://registry.npmjs.org/"); console.log("fetched"); }
catch (error) { console.log("fetch", String(error.cause)); }
`;

const BASH = `
echo '{"tool":"jq"}' | jq -r '"tool " + .tool'
touch /usr/lib/isol8-probe 2>&1 | sed 's/^.*: //' | sed 's/^/write /'
exec 3<>/dev/tcp/deb.debian.org/80 && echo connected
exit 0
`;

interface Case {
  name: string;
  args: (dir: string) => string[];
  installed: string[];
  image: string;
  stdout: RegExp;
  stderr?: string;
}

const cases: Case[] = [
  {
    name: "python + numpy",
    args: () => ["-e", PYTHON, "--runtime", "python", "--install", "numpy"],
    installed: ["numpy"],
    image: "isol8:python",
    stdout:
      /^numpy \d+\.\d+\.\d+\nwrite Read-only file system\ndns Temporary failure in name resolution\nconnect Network is unreachable\n$/,
  },
  {
    name: "node + lodash through ESM import",
    args: () => ["-e", NODE_ESM, "--runtime", "node", "--install", "lodash"],
    installed: ["lodash"],
    image: "isol8:node",
    stdout: /^lodash 4\.\d+\.\d+\nwrite EROFS\nfetch EAI_AGAIN\n$/,
  },
  {
    name: "node + lodash through CommonJS require (.cjs)",
    args: (dir) => [join(dir, "main.cjs"), "--install", "lodash"],
    installed: ["lodash"],
    image: "isol8:node",
    stdout: /^lodash 4\.\d+\.\d+\nwrite EROFS\ndns EAI_AGAIN\n$/,
  },
  {
    name: "bun + zod",
    args: () => ["-e", BUN, "--runtime", "bun", "--install", "zod"],
    installed: ["zod"],
    image: "isol8:bun",
    stdout: /^zod 1\nwrite EROFS\nfetch EAI_AGAIN\n$/,
  },
  {
    name: "deno + npm:is-odd",
    args: () => ["-e", DENO, "--runtime", "deno", "--install", "npm:is-odd"],
    installed: ["npm:is-odd"],
    image: "isol8:deno",
    stdout:
      /^is-odd true\nwrite EROFS\nfetch Error: .*dns error: failed to lookup address information: Temporary failure in name resolution\n$/,
  },
  {
    name: "bash + jq",
    args: () => ["-e", BASH, "--runtime", "bash", "--install", "jq"],
    installed: ["jq"],
    image: "isol8:bash",
    stdout: /^tool jq\nwrite Read-only file system\n$/,
    stderr:
      "bash: line 4: deb.debian.org: Temporary failure in name resolution\n" +
      "bash: line 4: /dev/tcp/deb.debian.org/80: Invalid argument\n",
  },
];

describe("isol8 run --install: the package works, the program has no network", () => {
  let spy: EngineSpy;
  let dir: string;
  beforeAll(async () => {
    spy = await spyOnEngine();
    dir = mkdtempSync(join(tmpdir(), "isol8-deps-install-"));
    writeFileSync(join(dir, "main.cjs"), NODE_CJS);
  });
  afterAll(async () => {
    await spy?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(cases)("$name", async ({ args, installed, image, stdout, stderr = "" }) => {
    spy.reset();
    const result = await runCli(["run", ...args(dir), "--json"], { env: spy.env, cwd: dir });
    expect(result.stderr).toBe("");
    const parsed = JSON.parse(result.stdout);
    expect(parsed.stderr).toBe(stderr);
    expect(parsed.stdout).toMatch(stdout);
    expect(parsed).toMatchObject({ exitCode: 0, image, installed, timedOut: false });
    expect(parsed.durations.installMs).toBeGreaterThan(0);
    // The sandbox left the install network before the program started (the output above shows it had none). Other
    // disconnects are the proxy's, from networks of earlier runs that this one swept.
    const disconnects = spy.requests.filter((r) => /^POST \/(v[\d.]+\/)?networks\/[^/]+\/disconnect/.test(r));
    expect(disconnects.length).toBeGreaterThanOrEqual(1);
    // It removes itself (Docker's auto-remove) once its agent quits.
    const started = startedContainers(spy.requests);
    expect(started).toHaveLength(1);
    expect(await waitUntilGone(started)).toEqual([]);
  });

  it("installs several packages given repeatedly and comma-separated, in one install phase", async () => {
    const code = "import six, idna; print(six.__name__, idna.__name__)";
    const result = await runCli(
      ["run", "-e", code, "-r", "python", "--install", "six,idna", "--install", "six", "--json"],
      { cwd: dir },
    );
    const parsed = JSON.parse(result.stdout);
    expect(parsed).toMatchObject({ exitCode: 0, stdout: "six idna\n", installed: ["idna", "six"] });
  });
});
