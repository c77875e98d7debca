import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { configJsonSchemaText } from "../src/config/json-schema.js";

// Regenerates the committed JSON Schema; the unit test in src/config/json-schema.test.ts fails until this has run.
const target = fileURLToPath(new URL("../isol8.config.schema.json", import.meta.url));
writeFileSync(target, configJsonSchemaText());
console.log(`wrote ${target}`);
