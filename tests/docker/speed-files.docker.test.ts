import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DockerEngine, Session } from "@isol8/docker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { buildTestEngine } from "./helpers/engine.js";
import { creations } from "./helpers/engine-spy.js";
import { watchedEngine } from "./helpers/watched-engine.js";

/**
 * Files go into /sandbox and come back byte for byte; a symbolic link made by the user's code cannot carry a read
 * or a write outside /sandbox, and neither can `..`.
 */

const prefix = `speed-files-${randomBytes(3).toString("hex")}`;
const sessions: Session[] = [];
let engine: DockerEngine;
let scratch: string;

beforeAll(() => {
  engine = buildTestEngine();
  scratch = mkdtempSync(join(tmpdir(), "isol8-speed-files-"));
});

afterAll(async () => {
  for (const session of sessions) await session.stop();
  await engine.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function openSession(label: string): Promise<Session> {
  const session = await engine.session(`${prefix}-${label}`, { runtime: "bash" });
  sessions.push(session);
  return session;
}

describe("files in, files out (library)", () => {
  it("round-trips binary, large, nested and executable files byte for byte", async () => {
    const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const large = randomBytes(5 * 1024 * 1024);
    const script = Buffer.from("#!/bin/sh\necho tool ran\n");
    const result = await engine.execute({
      runtime: "bash",
      code: "./tool.sh && stat -c '%a %n' tool.sh data/bytes.bin && sha256sum big.bin a/b/c/deep.txt",
      files: [
        { path: "data/bytes.bin", content: everyByte },
        { path: "/sandbox/big.bin", content: large },
        { path: "a/b/c/deep.txt", content: Buffer.from("deep\n") },
        { path: "tool.sh", content: script, executable: true },
      ],
      download: ["data/bytes.bin", "/sandbox/big.bin", "a/b/c/deep.txt", "tool.sh", "made.bin"],
    });
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines.slice(0, 3)).toEqual(["tool ran", "755 tool.sh", "644 data/bytes.bin"]);
    expect(lines[3]).toBe(`${createHash("sha256").update(large).digest("hex")}  big.bin`);

    const byPath = new Map(result.files.map((file) => [file.path, file]));
    expect(Buffer.from(byPath.get("data/bytes.bin")?.content ?? [])).toEqual(everyByte);
    expect(Buffer.from(byPath.get("/sandbox/big.bin")?.content ?? []).equals(large)).toBe(true);
    expect(Buffer.from(byPath.get("a/b/c/deep.txt")?.content ?? []).toString()).toBe("deep\n");
    expect(Buffer.from(byPath.get("tool.sh")?.content ?? []).equals(script)).toBe(true);
    // A path that does not exist is reported per file, not fatal to the run.
    expect(byPath.get("made.bin")).toMatchObject({ error: expect.stringMatching(/No such file/) });
    expect(byPath.get("made.bin")?.content).toBeUndefined();
  });

  it("downloads what the program wrote, including every byte value", async () => {
    const result = await engine.execute({
      runtime: "python",
      code: "import os\nos.makedirs('/sandbox/out/x', exist_ok=True)\nopen('/sandbox/out/x/all.bin', 'wb').write(bytes(range(256)) * 3)",
      download: ["out/x/all.bin"],
    });
    expect(result.stderr).toBe("");
    const [file] = result.files;
    expect(Buffer.from(file?.content ?? [])).toEqual(
      Buffer.concat([0, 1, 2].map(() => Buffer.from(Array.from({ length: 256 }, (_, i) => i)))),
    );
  });
});

describe("symbolic links and .. cannot lead outside /sandbox", () => {
  it("refuses to read through a link to a file or a directory outside", async () => {
    const result = await engine.execute({
      runtime: "bash",
      code: "ln -s /etc/passwd /sandbox/p && ln -s /etc /sandbox/d && head -c 4 /sandbox/d/passwd",
      download: ["/sandbox/p", "/sandbox/d/passwd", "p", "d/passwd"],
    });
    // The program itself may follow its links (it could read /etc/passwd anyway); the host must not.
    expect(result.stdout).toBe("root");
    expect(result.files.map((file) => file.content)).toEqual([undefined, undefined, undefined, undefined]);
    expect(result.files.map((file) => file.error)).toEqual([
      expect.stringMatching(/"\/sandbox\/p": it is a symbolic link/),
      expect.stringMatching(/"\/sandbox\/d\/passwd": "d" is a symbolic link/),
      expect.stringMatching(/"p": it is a symbolic link/),
      expect.stringMatching(/"d\/passwd": "d" is a symbolic link/),
    ]);
  });

  it("refuses to write through a link the code made in an earlier run of a session", async () => {
    const session = await openSession("links");
    const made = await session.execute({
      code: "ln -s /etc /sandbox/d && ln -s /tmp /sandbox/t && ln -s /tmp/leaf /sandbox/leaf && echo made",
    });
    expect(made.stdout).toBe("made\n");

    const attempts: [string, RegExp][] = [
      ["/sandbox/d/x", /cannot write "\/sandbox\/d\/x": "d" is a symbolic link/],
      ["t/x", /cannot write "t\/x": "t" is a symbolic link/],
      ["t/deeper/x", /cannot write "t\/deeper\/x": "t" is a symbolic link/],
      ["/sandbox/leaf", /cannot write "\/sandbox\/leaf": it is a symbolic link/],
    ];
    for (const [path, message] of attempts) {
      await expect(
        session.execute({ code: "echo should not run", files: [{ path, content: Buffer.from("x") }] }),
        path,
      ).rejects.toThrow(message);
    }

    // /tmp is writable by the sandbox user: had a write gone through a link, it would be there.
    const check = await session.execute({
      code: "ls -A /tmp; test -e /tmp/x || echo no-x; test -e /tmp/leaf || echo no-leaf; test -e /tmp/deeper || echo no-deeper",
    });
    expect(check.stdout).toBe("no-x\nno-leaf\nno-deeper\n");
  });

  it("refuses .. and absolute paths outside /sandbox: files before any container, downloads per file", async () => {
    const watched = await watchedEngine();
    try {
      for (const path of ["../etc/x", "/sandbox/../tmp/x", "a/../../tmp/x", "/tmp/x", "/sandboxed/x"]) {
        await expect(
          watched.engine.execute({
            runtime: "bash",
            code: "echo ran",
            files: [{ path, content: Buffer.from("x") }],
          }),
          path,
        ).rejects.toThrow(`File path "${path}" leads outside /sandbox`);
      }
      expect(creations(watched.spy.requests)).toEqual([]);
    } finally {
      await watched.close();
    }
    const result = await engine.execute({
      runtime: "bash",
      code: "true",
      download: ["../etc/passwd", "/sandbox/../etc/passwd", "/etc/passwd"],
    });
    expect(result.files.map((file) => file.content)).toEqual([undefined, undefined, undefined]);
    expect(result.files.map((file) => file.error)).toEqual([
      expect.stringMatching(/"\.\." is not allowed/),
      expect.stringMatching(/"\.\." is not allowed/),
      expect.stringMatching(/outside \/sandbox/),
    ]);
  });
});

describe("files in, files out (CLI)", () => {
  it("--files copies a folder without .git, node_modules or local symlinks; --download keeps paths", async () => {
    const project = join(scratch, "project");
    mkdirSync(join(project, "src/lib"), { recursive: true });
    mkdirSync(join(project, ".git"), { recursive: true });
    mkdirSync(join(project, "node_modules/left-pad"), { recursive: true });
    writeFileSync(join(project, "input.txt"), "hello from the host\n");
    writeFileSync(join(project, "src/lib/util.txt"), "nested\n");
    writeFileSync(join(project, "run.sh"), "#!/bin/sh\necho script ran\n", { mode: 0o755 });
    writeFileSync(join(project, ".git/config"), "[core]\n");
    writeFileSync(join(project, "node_modules/left-pad/index.js"), "module.exports = 1;\n");
    const secret = join(scratch, "outside-secret.txt");
    writeFileSync(secret, "host secret\n");
    symlinkSync(secret, join(project, "linked-file.txt"));
    symlinkSync(scratch, join(project, "linked-dir"));

    const out = join(scratch, "downloads");
    const result = await runCli([
      "run",
      "-r",
      "bash",
      "--files",
      project,
      "--download",
      "/sandbox/results/summary.txt",
      "--download",
      "src/lib/util.txt",
      "--download-dir",
      out,
      "-e",
      "cd /sandbox && find . -not -name main.sh | sort && ./run.sh && mkdir -p results && cat input.txt > results/summary.txt",
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [".", "./input.txt", "./run.sh", "./src", "./src/lib", "./src/lib/util.txt", "script ran", ""].join(
        "\n",
      ),
    );
    expect(readFileSync(join(out, "results/summary.txt"), "utf8")).toBe("hello from the host\n");
    expect(readFileSync(join(out, "src/lib/util.txt"), "utf8")).toBe("nested\n");
  });

  it("reports a download that failed and still exits with the program's code", async () => {
    const out = join(scratch, "downloads-failed");
    const result = await runCli([
      "run",
      "-r",
      "bash",
      "--download",
      "missing.txt",
      "--download-dir",
      out,
      "-e",
      "exit 3",
    ]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/\[isol8\] could not download missing\.txt: .*No such file/);
  });
});
