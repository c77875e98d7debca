import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Isol8Error } from "../errors.js";
import { loadConfig } from "./load.js";

const created: string[] = [];
afterEach(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A project directory and a home directory, both empty, removed after the test. */
function dirs() {
  const root = mkdtempSync(join(tmpdir(), "isol8-config-"));
  created.push(root);
  const cwd = join(root, "project");
  const home = join(root, "home");
  mkdirSync(cwd);
  mkdirSync(home);
  return { root, cwd, home };
}

function write(file: string, content: unknown): string {
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return file;
}

function thrown(action: () => unknown): Isol8Error {
  try {
    action();
  } catch (error) {
    if (error instanceof Isol8Error) return error;
    throw error;
  }
  throw new Error("expected an Isol8Error");
}

describe("loadConfig", () => {
  it("fills every value from the defaults when there is no file", () => {
    const { cwd, home } = dirs();
    const { config, sources, file } = loadConfig({ cwd, homeDir: home, env: {} });
    expect(file).toBeUndefined();
    expect(config).toEqual({
      dependencies: {},
      setup: {},
      defaults: {
        timeout: 30_000,
        memory: 512 * 1024 ** 2,
        cpus: 1,
        pids: 128,
        sandboxSize: 512 * 1024 ** 2,
        tmpSize: 64 * 1024 ** 2,
        maxOutput: 1024 ** 2,
        installTimeout: 300_000,
        network: "none",
        allow: [],
        deny: [],
      },
      extraCaCertificates: [],
      osImage: "debian:bookworm-slim",
      runtimes: [],
      registries: {},
      pool: { size: 0, idleTimeout: 300_000 },
      engine: "docker",
      kubernetes: {},
      spare: { enabled: true, idleTimeout: 60_000 },
    });
    expect(new Set(Object.values(sources))).toEqual(new Set(["default"]));
    expect(sources["defaults.memory"]).toBe("default");
  });

  it("prefers the explicit path, then the working directory, then the home directory", () => {
    const { root, cwd, home } = dirs();
    const homeFile = write(join(home, ".isol8", "config.json"), { osImage: "home:1" });
    expect(loadConfig({ cwd, homeDir: home, env: {} })).toMatchObject({
      file: homeFile,
      config: { osImage: "home:1" },
    });

    const projectFile = write(join(cwd, "isol8.config.json"), { osImage: "project:1" });
    expect(loadConfig({ cwd, homeDir: home, env: {} })).toMatchObject({
      file: projectFile,
      config: { osImage: "project:1" },
    });

    const explicitFile = write(join(root, "elsewhere", "ci.json"), { osImage: "explicit:1" });
    expect(loadConfig({ path: "../elsewhere/ci.json", cwd, homeDir: home, env: {} })).toMatchObject({
      file: explicitFile,
      config: { osImage: "explicit:1" },
    });
  });

  it("names an explicit file that does not exist instead of falling back", () => {
    const { cwd, home } = dirs();
    write(join(cwd, "isol8.config.json"), {});
    const error = thrown(() => loadConfig({ path: "missing.json", cwd, homeDir: home, env: {} }));
    expect(error.code).toBe("FILE_NOT_FOUND");
    expect(error.message).toContain(join(cwd, "missing.json"));
  });

  it("parses sizes and durations and records that they came from the file", () => {
    const { cwd, home } = dirs();
    write(join(cwd, "isol8.config.json"), {
      defaults: { timeout: "2m", memory: "1g", tmpSize: 1048576, network: "filtered", allow: ["pypi.org"] },
      pool: { size: 2, idleTimeout: "90s" },
    });
    const { config, sources } = loadConfig({ cwd, homeDir: home, env: {} });
    expect(config.defaults).toMatchObject({
      timeout: 120_000,
      memory: 1024 ** 3,
      tmpSize: 1024 ** 2,
      cpus: 1,
      network: "filtered",
      allow: ["pypi.org"],
    });
    expect(config.pool).toEqual({ size: 2, idleTimeout: 90_000 });
    expect(sources).toMatchObject({
      "defaults.timeout": "file",
      "defaults.memory": "file",
      "defaults.cpus": "default",
      "pool.idleTimeout": "file",
      osImage: "default",
    });
  });

  it("lists every problem of an invalid file as path: message in one error", () => {
    const { cwd, home } = dirs();
    const file = write(join(cwd, "isol8.config.json"), {
      colour: "blue",
      defaults: { memory: "12parsecs", timeout: "soon", cpus: "two", network: "wifi", swap: "1g" },
      dependencies: { Python: ["numpy"], node: "lodash" },
      runtimes: [{ module: "./ruby.mjs", option: {} }],
      pool: { size: -1 },
    });
    const error = thrown(() => loadConfig({ cwd, homeDir: home, env: {} }));
    expect(error.code).toBe("CONFIG_INVALID");
    const [first, ...lines] = error.message.split("\n").map((line) => line.trim());
    expect(first).toBe("isol8.config.json is invalid:");
    const paths = lines.map((line) => line.slice(0, line.indexOf(": ")));
    expect(paths.sort()).toEqual(
      [
        "colour",
        "defaults.memory",
        "defaults.timeout",
        "defaults.cpus",
        "defaults.network",
        "defaults.swap",
        "dependencies.Python",
        "dependencies.node",
        "runtimes.0.option",
        "pool.size",
      ].sort(),
    );
    expect(lines).toContain(
      'defaults.memory: "12parsecs" is not valid: expected a size such as "512m", "1g" or a byte count',
    );
    expect(lines).toContain("colour: unknown key");
    expect(lines).toContain("defaults.swap: unknown key");
    expect(lines.find((line) => line.startsWith("dependencies.Python:"))).toContain("lower-case");
    expect(error.hint).toContain(file);
  });

  it("rejects values the parsers accept but a sandbox cannot use", () => {
    const { cwd, home } = dirs();
    write(join(cwd, "isol8.config.json"), { defaults: { memory: "1k" } });
    expect(thrown(() => loadConfig({ cwd, homeDir: home, env: {} })).message).toMatch(
      /defaults\.memory: .*6291456/,
    );
  });

  it("reports invalid JSON with the file and the line and column", () => {
    const { cwd, home } = dirs();
    const file = write(join(cwd, "isol8.config.json"), '{\n  "osImage": "x",\n  "pool": }\n');
    const error = thrown(() => loadConfig({ cwd, homeDir: home, env: {} }));
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.message).toContain(file);
    expect(error.message).toContain("line 3, column 11");
  });

  it("lets the environment add CA certificates and replace the OS image", () => {
    const { root, cwd, home } = dirs();
    write(join(cwd, "isol8.config.json"), { osImage: "file:1", extraCaCertificates: ["certs/corp.pem"] });
    const { config, sources } = loadConfig({
      cwd,
      homeDir: home,
      env: {
        ISOL8_EXTRA_CA_CERTS: `extra.pem::${join(root, "abs.pem")}`,
        ISOL8_OS_IMAGE: "mirror.local/debian:12",
      },
    });
    expect(config.extraCaCertificates).toEqual([
      join(cwd, "certs", "corp.pem"),
      join(cwd, "extra.pem"),
      join(root, "abs.pem"),
    ]);
    expect(config.osImage).toBe("mirror.local/debian:12");
    expect(sources).toMatchObject({ extraCaCertificates: "env", osImage: "env" });
  });

  it("adds the user config's extraCaCertificates to a project's config: CA trust belongs to the machine", () => {
    const { cwd, home } = dirs();
    write(join(home, ".isol8", "config.json"), { extraCaCertificates: ["proxy-ca.pem"], osImage: "user:1" });
    write(join(cwd, "isol8.config.json"), { extraCaCertificates: ["certs/corp.pem"] });
    const { config, sources, file } = loadConfig({ cwd, homeDir: home, env: {} });
    expect(file).toBe(join(cwd, "isol8.config.json"));
    expect(config.extraCaCertificates).toEqual([
      join(cwd, "certs", "corp.pem"),
      join(home, ".isol8", "proxy-ca.pem"),
    ]);
    expect(sources.extraCaCertificates).toBe("user");
    // Nothing else of the user config leaks into the project's.
    expect(config.osImage).not.toBe("user:1");
  });

  it("takes the user config's certificates once when it is the config in use, and ignores a broken one otherwise", () => {
    const { cwd, home } = dirs();
    write(join(home, ".isol8", "config.json"), { extraCaCertificates: ["/etc/proxy-ca.pem"] });
    expect(loadConfig({ cwd, homeDir: home, env: {} }).config.extraCaCertificates).toEqual([
      "/etc/proxy-ca.pem",
    ]);
    write(join(home, ".isol8", "config.json"), "{ not json");
    write(join(cwd, "isol8.config.json"), {});
    expect(loadConfig({ cwd, homeDir: home, env: {} }).config.extraCaCertificates).toEqual([]);
  });

  it("fills the audit log's defaults and resolves its file against the config's directory", () => {
    const { cwd, home } = dirs();
    write(join(cwd, "isol8.config.json"), { audit: { file: "logs/audit.jsonl" } });
    expect(loadConfig({ cwd, homeDir: home, env: {} }).config.audit).toEqual({
      file: join(cwd, "logs", "audit.jsonl"),
      maxBytes: 10 * 1024 * 1024,
      keep: 5,
      includeCode: false,
      includeOutput: false,
    });
  });

  it("resolves relative paths against the config file's directory, not the working directory", () => {
    const { root, cwd, home } = dirs();
    write(join(home, ".isol8", "config.json"), {
      extraCaCertificates: ["corp.pem", "/etc/ssl/other.pem"],
      runtimes: [
        "./plugins/ruby.mjs",
        "isol8-runtime-lua",
        { module: "../shared/go.mjs", options: { v: 1 } },
      ],
    });
    const { config } = loadConfig({ cwd, homeDir: home, env: {} });
    expect(config.extraCaCertificates).toEqual([join(home, ".isol8", "corp.pem"), "/etc/ssl/other.pem"]);
    expect(config.runtimes).toEqual([
      join(home, ".isol8", "plugins", "ruby.mjs"),
      "isol8-runtime-lua",
      { module: join(root, "home", "shared", "go.mjs"), options: { v: 1 } },
    ]);
  });

  it("keeps dependency and registry lists exactly as written", () => {
    const { cwd, home } = dirs();
    write(join(cwd, "isol8.config.json"), {
      $schema: "./node_modules/@isol8/core/isol8.config.schema.json",
      dependencies: { python: [" pandas", "numpy", "numpy"] },
      registries: { python: ["pypi.internal.example"] },
    });
    const { config } = loadConfig({ cwd, homeDir: home, env: {} });
    expect(config.dependencies).toEqual({ python: [" pandas", "numpy", "numpy"] });
    expect(config.registries).toEqual({ python: ["pypi.internal.example"] });
  });
});
