// Writes docs/openapi.json from the routes' zod schemas; src/openapi.test.ts fails until it is rerun after a change.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createServer } from "../src/create-server.js";
import { createSqliteKeyStore } from "../src/keys/sqlite-key-store.js";
import { openApiText } from "../src/openapi-document.js";
import { createFakeEngine } from "../src/testing/fake-engine.js";

const keyStore = createSqliteKeyStore({ path: ":memory:" });
const server = createServer({ engine: createFakeEngine(), keyStore });
const target = fileURLToPath(new URL("../../../docs/openapi.json", import.meta.url));
writeFileSync(target, openApiText(server.app));
await keyStore.close();
console.log(`wrote ${target}`);
