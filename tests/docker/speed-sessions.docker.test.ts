import { randomBytes } from "node:crypto";
import type { DockerEngine } from "@isol8/docker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { buildTestEngine } from "./helpers/engine.js";
import { existingContainers, waitUntilGone } from "./helpers/watched-engine.js";

/**
 * A session keeps one container across executions (and across processes): files and installed packages persist,
 * sessions do not see each other, and an idle session removes itself.
 */

// Other test files share the engine: names of our own, and only those are stopped afterwards.
const prefix = `speed-${randomBytes(3).toString("hex")}`;
const names: string[] = [];
const sessionName = (label: string) => {
  const name = `${prefix}-${label}`;
  names.push(name);
  return name;
};

let engine: DockerEngine;

beforeAll(() => {
  engine = buildTestEngine();
});

afterAll(async () => {
  for (const name of names) await engine.stopSession(name);
  await engine.close();
});

async function sessionId(name: string): Promise<string | undefined> {
  return (await engine.listSessions()).find((session) => session.name === name)?.id;
}

describe("sessions (library)", () => {
  it("keep files and installed packages between executions", async () => {
    // Control: a fresh sandbox has no six, so finding it later proves the session kept the install.
    const fresh = await engine.execute({ runtime: "python", code: "import six" });
    expect(fresh.stderr).toMatch(/ModuleNotFoundError: No module named 'six'/);

    const session = await engine.session(sessionName("keep"), { runtime: "python" });
    const first = await session.execute({
      code: "import six\nopen('/sandbox/notes.txt', 'w').write('kept')\nprint(six.__name__, open('/etc/hostname').read().strip())",
      install: ["six"],
    });
    expect(first.stderr).toBe("");
    expect(first.installed).toEqual(["six"]);
    const [, hostname] = first.stdout.trim().split(" ");

    const second = await session.execute({
      code: "import six\nprint(six.__name__, open('/sandbox/notes.txt').read(), open('/etc/hostname').read().strip())",
    });
    expect(second.stderr).toBe("");
    expect(second.installed).toEqual([]);
    expect(second.durations.installMs).toBe(0);
    expect(second.stdout.trim()).toBe(`six kept ${hostname}`);
    session.detach();
  });

  it("do not see each other's files; listSessions shows them; stopSession removes the container", async () => {
    const [nameA, nameB] = [sessionName("a"), sessionName("b")];
    const a = await engine.session(nameA, { runtime: "python" });
    const b = await engine.session(nameB, { runtime: "python" });
    const wrote = await a.execute({ code: "open('/sandbox/only-a.txt', 'w').write('a'); print('ok')" });
    expect(wrote.stdout).toBe("ok\n");
    const looked = await b.execute({ code: "import os; print(os.path.exists('/sandbox/only-a.txt'))" });
    expect(looked.stdout).toBe("False\n");
    const stillThere = await a.execute({ code: "print(open('/sandbox/only-a.txt').read())" });
    expect(stillThere.stdout).toBe("a\n");
    a.detach();
    b.detach();

    const listed = (await engine.listSessions()).filter((session) => session.name.startsWith(prefix));
    expect(listed.map((session) => session.name)).toEqual(expect.arrayContaining([nameA, nameB]));
    for (const session of listed.filter((s) => s.name === nameA || s.name === nameB)) {
      expect(session).toMatchObject({ runtime: "python", state: "running" });
    }

    const idA = await sessionId(nameA);
    expect(idA).toBeDefined();
    expect(await engine.stopSession(nameA)).toBe(true);
    expect(existingContainers([idA as string])).toEqual([]);
    expect(await sessionId(nameA)).toBeUndefined();
    expect(await engine.stopSession(nameA)).toBe(false);
    expect(await sessionId(nameB)).toBeDefined();
  });

  it("end themselves after idleTimeoutMs without an execution", async () => {
    const name = sessionName("idle");
    const session = await engine.session(name, { runtime: "python", idleTimeoutMs: 3000 });
    const result = await session.execute({ code: "print('hi')" });
    expect(result.stdout).toBe("hi\n");
    session.detach();
    const id = await sessionId(name);
    expect(id).toBeDefined();

    const idleSince = Date.now();
    expect(await waitUntilGone([id as string], 15_000)).toEqual([]);
    // Gone because it idled out, not because detaching ended it.
    expect(Date.now() - idleSince).toBeGreaterThan(2000);
    expect(await sessionId(name)).toBeUndefined();
  });

  it("is found again by name from another engine (another process)", async () => {
    const name = sessionName("reopen");
    const first = await engine.session(name, { runtime: "python" });
    await first.execute({ code: "open('/sandbox/state.txt', 'w').write('still here')" });
    first.detach();

    const other = buildTestEngine();
    try {
      const again = await other.session(name, { runtime: "python" });
      const result = await again.execute({ code: "print(open('/sandbox/state.txt').read())" });
      expect(result.stdout).toBe("still here\n");
      await expect(other.session(name, { runtime: "node" })).rejects.toThrow(/runs python, not node/);
      await again.stop();
      expect(await sessionId(name)).toBeUndefined();
    } finally {
      await other.close();
    }
  });
});

describe("sessions (CLI)", () => {
  it("run --session keeps state between runs; sessions lists and stops it", async () => {
    const name = sessionName("cli");
    const first = await runCli([
      "run",
      "--session",
      name,
      "-r",
      "python",
      "-e",
      "open('/sandbox/counter', 'w').write('1'); print('wrote')",
    ]);
    expect(first.stderr).toBe("");
    expect(first.stdout).toBe("wrote\n");
    expect(first.code).toBe(0);

    const second = await runCli([
      "run",
      "--session",
      name,
      "-r",
      "python",
      "-e",
      "print('read', open('/sandbox/counter').read())",
    ]);
    expect(second.stderr).toBe("");
    expect(second.stdout).toBe("read 1\n");

    const listed = await runCli(["sessions", "list"]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${name}\\s+python\\s+running\\s`, "m"));
    const id = await sessionId(name);

    const stopped = await runCli(["sessions", "stop", name]);
    expect(stopped.stdout).toBe(`Stopped ${name}.\n`);
    expect(stopped.code).toBe(0);
    expect(existingContainers([id as string])).toEqual([]);
    const again = await runCli(["sessions", "stop", name]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(`There is no session named "${name}"`);
  });

  it.each([["--image", "isol8:python"], ["--persist"]])(
    "run --session with %s is refused with exit 2 before any session exists",
    async (...flag) => {
      const name = sessionName("refused");
      const run = await runCli(["run", "--session", name, "-r", "python", "-e", "print(1)", ...flag]);
      expect(run.stderr).toMatch(/A session runs in its own container: --image and --persist do not apply/);
      expect(run.code).toBe(2);
      expect((await engine.listSessions()).map((info) => info.name)).not.toContain(name);
    },
  );
});
