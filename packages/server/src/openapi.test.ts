import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { openApiDocument, openApiText } from "./openapi-document.js";
import { createHarness, type Harness } from "./testing/harness.js";

describe("OpenAPI document", () => {
  let h: Harness | undefined;
  afterAll(async () => {
    await h?.cleanup();
  });

  it("is checked into docs/openapi.json unchanged (run `pnpm openapi` after changing a route)", async () => {
    h = await createHarness();
    const checkedIn = readFileSync(
      fileURLToPath(new URL("../../../docs/openapi.json", import.meta.url)),
      "utf8",
    );
    expect(checkedIn).toBe(openApiText(h.server.app));
  });

  it("is OpenAPI 3.1 with every route, strict request bodies and the bearer scheme", async () => {
    h ??= await createHarness();
    const served = await (await h.call("GET", "/openapi.json")).json();
    expect(served).toEqual(JSON.parse(JSON.stringify(openApiDocument(h.server.app))));
    const doc = served as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { additionalProperties?: unknown }>; securitySchemes: unknown };
    };
    expect(doc.openapi).toBe("3.1.0");
    const routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes.sort()).toEqual(
      [
        "GET /healthz",
        "GET /readyz",
        "GET /metrics",
        "GET /v1/runtimes",
        "POST /v1/executions",
        "POST /v1/executions/stream",
        "GET /v1/executions/ws",
        "POST /v1/sessions",
        "GET /v1/sessions",
        "GET /v1/sessions/{id}",
        "DELETE /v1/sessions/{id}",
        "POST /v1/sessions/{id}/executions",
        "POST /v1/sessions/{id}/executions/stream",
        "GET /v1/sessions/{id}/executions/ws",
        "PUT /v1/sessions/{id}/files",
        "GET /v1/sessions/{id}/files",
        "POST /v1/keys",
        "GET /v1/keys",
        "DELETE /v1/keys/{id}",
      ].sort(),
    );
    expect(doc.components.schemas.ExecutionRequest?.additionalProperties).toBe(false);
    for (const frame of ["SocketClientFrame", "SocketSessionClientFrame", "SocketServerFrame"]) {
      expect(doc.components.schemas[frame]).toBeDefined();
    }
    expect(doc.components.schemas.SocketStartFrame?.additionalProperties).toBe(false);
    expect(doc.components.securitySchemes).toEqual({
      bearer: expect.objectContaining({ type: "http", scheme: "bearer" }),
    });
  });
});
