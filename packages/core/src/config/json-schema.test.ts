import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configJsonSchema, configJsonSchemaText } from "./json-schema.js";

describe("isol8.config.schema.json", () => {
  it("is up to date with the zod schema (run `pnpm schema` to regenerate)", () => {
    const committed = readFileSync(new URL("../../isol8.config.schema.json", import.meta.url), "utf8");
    expect(committed).toBe(configJsonSchemaText());
  });

  it("describes what users write: size strings, and no unknown keys", () => {
    const schema = configJsonSchema() as {
      additionalProperties: boolean;
      properties: { defaults: { properties: { memory: { type: string[] } } } };
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.defaults.properties.memory.type).toEqual(["string", "number"]);
  });
});
