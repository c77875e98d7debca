import { afterEach, describe, expect, it } from "vitest";
import { createHarness, type Harness, json } from "../testing/harness.js";

const MiB = 1024 * 1024;

describe("POST /v1/executions", () => {
  let h: Harness;
  afterEach(async () => {
    await h?.cleanup();
  });

  it("runs the code and answers with the whole result; files travel as base64", async () => {
    h = await createHarness();
    const response = await h.call("POST", "/v1/executions", {
      body: {
        runtime: "python",
        code: "print hello\ncat data.txt\nwrite out.txt made here\neprint warn\nexit 3",
        files: [{ path: "data.txt", content: Buffer.from("from a file\n").toString("base64") }],
        download: ["out.txt", "missing.txt"],
      },
    });
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body).toMatchObject({
      exitCode: 3,
      stdout: "hello\nfrom a file\n",
      stderr: "warn\n",
      truncated: false,
      timedOut: false,
      files: [
        { path: "out.txt", content: Buffer.from("made here").toString("base64") },
        { path: "missing.txt", error: "no such file" },
      ],
    });
    expect(body).not.toHaveProperty("containerId");
  });

  it("gives omitted limits the server's defaults and never persists or allows a foreign image", async () => {
    h = await createHarness({
      policy: { tenantDefaults: { defaults: { timeoutMs: 5000, memoryBytes: 256 * MiB } } },
    });
    await h.call("POST", "/v1/executions", { body: { runtime: "python", code: "print x" } });
    const [request] = h.engine.requests;
    expect(request?.limits).toMatchObject({ timeoutMs: 5000, memoryBytes: 256 * MiB, cpus: 1, pids: 128 });
    expect(request?.network).toEqual({ mode: "none", allow: [], deny: [] });
    expect(request?.persist).toBe(false);
    expect(request?.allowForeignImage).toBe(false);
  });

  describe("ceilings", () => {
    const cases: [string, Record<string, unknown>, string, number][] = [
      ["timeoutMs", { limits: { timeoutMs: 600_001 } }, "limits.timeoutMs", 60_000],
      ["memoryBytes", { limits: { memoryBytes: 2048 * MiB } }, "limits.memoryBytes", 1024 * MiB],
      ["cpus", { limits: { cpus: 4 } }, "limits.cpus", 2],
      ["pids", { limits: { pids: 10_000 } }, "limits.pids", 256],
      ["maxOutputBytes", { limits: { maxOutputBytes: 64 * MiB } }, "limits.maxOutputBytes", 4 * MiB],
      ["sandboxBytes", { limits: { sandboxBytes: 4096 * MiB } }, "limits.sandboxBytes", 1024 * MiB],
      ["tmpBytes", { limits: { tmpBytes: 1024 * MiB } }, "limits.tmpBytes", 128 * MiB],
      ["installTimeoutMs", { limits: { installTimeoutMs: 900_000 } }, "limits.installTimeoutMs", 120_000],
    ];
    it.each(cases)(
      "refuses %s above its ceiling with 400 naming the field and the ceiling",
      async (_, extra, field, ceiling) => {
        h = await createHarness({
          policy: {
            tenantDefaults: {
              ceilings: {
                timeoutMs: 60_000,
                memoryBytes: 1024 * MiB,
                cpus: 2,
                pids: 256,
                maxOutputBytes: 4 * MiB,
                sandboxBytes: 1024 * MiB,
                tmpBytes: 128 * MiB,
                installTimeoutMs: 120_000,
              },
            },
          },
        });
        const response = await h.call("POST", "/v1/executions", {
          body: { runtime: "python", code: "", ...extra },
        });
        expect(response.status).toBe(400);
        const { error } = (await json(response)) as { error: Record<string, string> };
        expect(error).toMatchObject({ code: "POLICY_DENIED", field });
        expect(error.message).toContain(field);
        expect(error.message).toContain(`ceiling of ${ceiling}`);
        expect(h.engine.requests).toHaveLength(0);
      },
    );

    it("accepts a request at the ceiling", async () => {
      h = await createHarness({ policy: { tenantDefaults: { ceilings: { cpus: 2 } } } });
      const response = await h.call("POST", "/v1/executions", {
        body: { runtime: "python", code: "", limits: { cpus: 2 } },
      });
      expect(response.status).toBe(200);
    });

    it("applies a tenant's own ceilings over the shared ones", async () => {
      h = await createHarness({
        policy: { tenants: { globex: { ceilings: { cpus: 0.5 }, defaults: { cpus: 0.5 } } } },
      });
      const body = { runtime: "python", code: "", limits: { cpus: 1 } };
      expect((await h.call("POST", "/v1/executions", { body })).status).toBe(200);
      expect((await h.call("POST", "/v1/executions", { key: h.keys.globex, body })).status).toBe(400);
    });
  });

  describe("network, runtimes, images and installs", () => {
    const policy = {
      tenantDefaults: {
        network: {
          modes: ["none" as const, "filtered" as const],
          allow: ["pypi.org", "*.pythonhosted.org"],
          deny: ["evil.pythonhosted.org"],
        },
        runtimes: ["python"],
        images: ["isol8:python-custom-abc123def456"],
        install: false,
      },
    };
    const post = (body: Record<string, unknown>) =>
      h.call("POST", "/v1/executions", { body: { runtime: "python", code: "", ...body } });
    const refusal = async (response: Response) => ({
      status: response.status,
      ...((await json(response)).error as Record<string, string>),
    });

    it("refuses a network mode the tenant may not use", async () => {
      h = await createHarness({ policy });
      expect(await refusal(await post({ network: { mode: "host" } }))).toMatchObject({
        status: 400,
        code: "POLICY_DENIED",
        field: "network.mode",
      });
    });

    it("refuses allow patterns outside the tenant's, accepts narrower ones, and adds the tenant's deny list", async () => {
      h = await createHarness({ policy });
      expect(
        await refusal(await post({ network: { mode: "filtered", allow: ["*.example.org"] } })),
      ).toMatchObject({
        status: 400,
        code: "POLICY_DENIED",
        field: "network.allow.0",
      });
      expect(await refusal(await post({ network: { mode: "filtered", allow: ["*.org"] } }))).toMatchObject({
        status: 400,
        code: "INVALID_INPUT",
        field: "network.allow.0",
      });
      expect(
        await refusal(await post({ network: { mode: "filtered", allow: ["pypi.org", "github.com"] } })),
      ).toMatchObject({ status: 400, field: "network.allow.1" });
      expect(
        (await post({ network: { mode: "filtered", allow: ["files.pythonhosted.org"], deny: ["x.org"] } }))
          .status,
      ).toBe(200);
      expect(h.engine.requests.at(-1)?.network).toEqual({
        mode: "filtered",
        allow: ["files.pythonhosted.org"],
        deny: ["evil.pythonhosted.org", "x.org"],
      });
    });

    it("gives filtered mode without an allow list the tenant's whole list", async () => {
      h = await createHarness({ policy });
      expect((await post({ network: { mode: "filtered" } })).status).toBe(200);
      expect(h.engine.requests.at(-1)?.network.allow).toEqual(["*.pythonhosted.org", "pypi.org"]);
    });

    it("refuses runtimes, images and installs the policy does not allow", async () => {
      h = await createHarness({ policy });
      expect(await refusal(await post({ runtime: "node" }))).toMatchObject({ status: 400, field: "runtime" });
      expect(await refusal(await post({ image: "ubuntu:latest" }))).toMatchObject({
        status: 400,
        field: "image",
      });
      expect(await refusal(await post({ install: ["numpy"] }))).toMatchObject({
        status: 400,
        field: "install",
      });
      expect((await post({ image: "isol8:python-custom-abc123def456" })).status).toBe(200);
    });

    it("refuses any image by default", async () => {
      h = await createHarness();
      expect(await refusal(await post({ image: "isol8:python" }))).toMatchObject({
        status: 400,
        field: "image",
      });
    });
  });

  describe("request validation", () => {
    it("refuses unknown fields, including persist and allowForeignImage (400 with the zod path)", async () => {
      h = await createHarness();
      for (const [extra, field] of [
        [{ persist: true }, "(body)"],
        [{ allowForeignImage: true }, "(body)"],
        [{ limits: { swapBytes: 1 } }, "limits"],
      ] as const) {
        const response = await h.call("POST", "/v1/executions", {
          body: { runtime: "python", code: "", ...extra },
        });
        expect(response.status).toBe(400);
        const { error } = (await json(response)) as { error: Record<string, string> };
        expect(error.code).toBe("INVALID_INPUT");
        expect(error.field).toBe(field);
        expect(error.message).toMatch(/unrecognized key/i);
      }
    });

    it("names the path of a wrongly typed field", async () => {
      h = await createHarness();
      const response = await h.call("POST", "/v1/executions", {
        body: { runtime: "python", code: "", limits: { timeoutMs: "soon" } },
      });
      expect(response.status).toBe(400);
      expect(await json(response)).toMatchObject({
        error: {
          code: "INVALID_INPUT",
          field: "limits.timeoutMs",
          message: expect.stringMatching(/^limits\.timeoutMs: /),
        },
      });
    });

    it("refuses malformed JSON and a body that is not JSON", async () => {
      h = await createHarness();
      const malformed = await h.call("POST", "/v1/executions", { body: '{"runtime": "python",' });
      expect(malformed.status).toBe(400);
      expect(await json(malformed)).toMatchObject({
        error: { code: "INVALID_INPUT", message: expect.stringContaining("JSON") },
      });
      const text = await h.call("POST", "/v1/executions", {
        body: "runtime=python",
        headers: { "Content-Type": "text/plain" },
      });
      expect(text.status).toBe(400);
      expect(await json(text)).toMatchObject({ error: { message: "the request body must be JSON" } });
    });

    it("refuses a body over the cap with 413, whether or not it declares its length", async () => {
      h = await createHarness({ maxBodyBytes: 1024 });
      const big = { runtime: "python", code: "x".repeat(2048) };
      const declared = await h.call("POST", "/v1/executions", { body: big });
      expect(declared.status).toBe(413);
      expect(await json(declared)).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
      const chunks = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(JSON.stringify(big)));
          controller.close();
        },
      });
      const streamed = await h.server.app.request("/v1/executions", {
        method: "POST",
        headers: { Authorization: `Bearer ${h.keys.acme}`, "Content-Type": "application/json" },
        body: chunks,
        duplex: "half",
      } as RequestInit);
      expect(streamed.status).toBe(413);
      expect(h.engine.requests).toHaveLength(0);
    });

    it("maps engine errors through the one table (unknown runtime → 400, engine down → 503)", async () => {
      h = await createHarness();
      const unknown = await h.call("POST", "/v1/executions", { body: { runtime: "cobol", code: "" } });
      expect(unknown.status).toBe(400);
      expect(await json(unknown)).toMatchObject({ error: { code: "RUNTIME_UNKNOWN" } });
      h.engine.available = false;
      const ready = await h.call("GET", "/readyz");
      expect(ready.status).toBe(503);
      expect(await json(ready)).toMatchObject({ error: { code: "ENGINE_UNAVAILABLE" } });
    });

    it("answers an unknown route with the error body and 404", async () => {
      h = await createHarness();
      const response = await h.call("GET", "/v1/nothing");
      expect(response.status).toBe(404);
      expect(await json(response)).toMatchObject({ error: { code: "NOT_FOUND" } });
    });
  });
});
