import type { OpenAPIHono } from "@hono/zod-openapi";
import { OPENAPI_CONFIG } from "./app.js";
import type { ServerEnv } from "./context.js";

/** The OpenAPI 3.1 document of an app, as served at /openapi.json and checked into docs/openapi.json. */
export function openApiDocument(app: OpenAPIHono<ServerEnv>): unknown {
  return app.getOpenAPI31Document(OPENAPI_CONFIG);
}

/** The document as the checked-in file holds it: two-space JSON and a final newline. */
export function openApiText(app: OpenAPIHono<ServerEnv>): string {
  return `${JSON.stringify(openApiDocument(app), null, 2)}\n`;
}
