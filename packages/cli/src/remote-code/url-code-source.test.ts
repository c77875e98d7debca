import { createHash } from "node:crypto";
import { createRuntimeRegistry } from "@isol8/core";
import bash from "@isol8/runtime-bash";
import node from "@isol8/runtime-node";
import python from "@isol8/runtime-python";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveCodeSource } from "../actions/code-source.js";
import { type CodeServer, type Route, startCodeServer } from "./code-server.test-support.js";
import { LOOPBACK_TEST_HOOK, resolveUrlSource, type UrlSourceContext } from "./url-code-source.js";

const CODE = "print('from a url')\n";
const SHA256 = createHash("sha256").update(CODE).digest("hex");
const runtimes = createRuntimeRegistry([python(), node(), bash()]);

let server: CodeServer;
beforeAll(async () => {
  const serve =
    (body: string): Route =>
    (_request, response) => {
      response.writeHead(200).end(body);
    };
  server = await startCodeServer({
    "/hello.py": serve(CODE),
    "/dir/my%20script.py": serve(CODE),
    "/script": serve("echo hi\n"),
    "/tool.txt": serve("echo hi\n"),
    "/big.py": serve("#".repeat(2048)),
  });
});
afterAll(async () => {
  await server.close();
});

const warnings: string[] = [];
const context = (env: NodeJS.ProcessEnv = { [LOOPBACK_TEST_HOOK]: "1" }): UrlSourceContext => ({
  runtimes,
  extraCaCertificates: [],
  env,
  warn: (line) => warnings.push(line),
});
const at = (path: string) => `${server.origin}${path}`;

describe("resolveUrlSource", () => {
  it("runs what the URL serves as a file, the runtime picked by the path's extension", async () => {
    warnings.length = 0;
    const source = await resolveUrlSource({ url: at("/hello.py"), allowInsecureUrl: true }, context());
    expect(source).toEqual({
      runtime: "python",
      code: CODE,
      fileName: "hello.py",
      fromFile: true,
      fetched: { url: at("/hello.py"), bytes: CODE.length, sha256: SHA256, redirects: 0 },
    });
    expect(warnings).toEqual([
      `[isol8] ${LOOPBACK_TEST_HOOK}=1: loopback URLs are allowed (a test hook; unset it outside tests)`,
    ]);
  });

  it("accepts a matching --sha256 in either case", async () => {
    const source = await resolveUrlSource(
      { url: at("/hello.py"), allowInsecureUrl: true, sha256: SHA256.toUpperCase() },
      context(),
    );
    expect(source.code).toBe(CODE);
  });

  it("refuses a mismatching --sha256", async () => {
    const pin = "0".repeat(64);
    await expect(
      resolveUrlSource({ url: at("/hello.py"), allowInsecureUrl: true, sha256: pin }, context()),
    ).rejects.toMatchObject({
      code: "URL_REFUSED",
      message: `Refused ${at("/hello.py")}: its SHA-256 is ${SHA256}, not the --sha256 ${pin}`,
      hint: expect.stringContaining("nothing was run"),
    });
  });

  it("lets --runtime override the extension, and needs it when the path has none", async () => {
    const source = await resolveUrlSource(
      { url: at("/script"), allowInsecureUrl: true, runtime: "bash" },
      context(),
    );
    // Written as the runtime's own file name: bash's plugin runs only .sh files.
    expect(source).toMatchObject({ runtime: "bash", fileName: undefined, fromFile: true });
    const before = server.connections();
    await expect(
      resolveUrlSource({ url: at("/script"), allowInsecureUrl: true }, context()),
    ).rejects.toMatchObject({ code: "RUNTIME_UNKNOWN", hint: expect.stringContaining("--runtime") });
    // Settled before fetching.
    expect(server.connections()).toBe(before);
  });

  it("names the sandbox file safely when the URL's name has other characters", async () => {
    const source = await resolveUrlSource(
      { url: at("/dir/my%20script.py"), allowInsecureUrl: true },
      context(),
    );
    expect(source.fileName).toBe("main.py");
  });

  it("applies --max-url-bytes", async () => {
    await expect(
      resolveUrlSource({ url: at("/big.py"), allowInsecureUrl: true, maxUrlBytes: "1k" }, context()),
    ).rejects.toMatchObject({ code: "URL_REFUSED", message: expect.stringMatching(/larger than 1 KiB$/) });
    await expect(
      resolveUrlSource({ url: at("/big.py"), allowInsecureUrl: true, maxUrlBytes: "lots" }, context()),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", message: expect.stringContaining("--max-url-bytes") });
  });

  it.each([
    {},
    { [LOOPBACK_TEST_HOOK]: "true" },
    { [LOOPBACK_TEST_HOOK]: "0" },
    { [LOOPBACK_TEST_HOOK]: "" },
  ])("refuses loopback unless the test hook is exactly 1: %j", async (env) => {
    const before = server.connections();
    await expect(
      resolveUrlSource({ url: at("/hello.py"), allowInsecureUrl: true }, context(env)),
    ).rejects.toMatchObject({ code: "URL_REFUSED", message: expect.stringContaining("a loopback address") });
    expect(server.connections()).toBe(before);
  });

  it.each([
    [{ url: "not a url" }, "INVALID_INPUT", '--url "not a url" is not a valid URL'],
    [{ url: "/hello.py" }, "INVALID_INPUT", '--url "/hello.py" is not a valid URL'],
    [{ url: "https://x.test/a.py", sha256: "abc" }, "INVALID_INPUT", "expected 64 hexadecimal digits"],
    [{ url: "http://x.test/a.py" }, "URL_REFUSED", "only https URLs are fetched"],
  ])("refuses %j before fetching", async (options, code, words) => {
    await expect(resolveUrlSource(options, context())).rejects.toMatchObject({
      code,
      message: expect.stringContaining(words),
    });
  });
});

describe("resolveCodeSource with --url", () => {
  it.each([
    [{ url: "https://x.test/a.py", file: "a.py" }, "Give either a file or --url URL, not both"],
    [{ url: "https://x.test/a.py", eval: "print(1)" }, "Give either -e CODE or --url URL, not both"],
    [{ eval: "1", runtime: "python", sha256: "0".repeat(64) }, "--sha256 applies only with --url URL"],
    [{ eval: "1", runtime: "python", maxUrlBytes: "1m" }, "--max-url-bytes applies only with --url URL"],
    [
      { eval: "1", runtime: "python", allowInsecureUrl: true },
      "--allow-insecure-url applies only with --url URL",
    ],
  ])("refuses %j", async (options, message) => {
    await expect(resolveCodeSource(options, runtimes)).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message,
    });
  });
});
