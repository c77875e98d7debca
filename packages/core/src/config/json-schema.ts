import { z } from "zod";
import { configFileSchema } from "./schema.js";

/**
 * The JSON Schema of `isol8.config.json`, generated from the zod schema so the two cannot drift. It describes what a
 * user writes ("512m", "30s"), not the parsed values, so editors accept the same spellings isol8 does. Draft-07,
 * because that is the draft editors support best.
 */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configFileSchema, { io: "input", target: "draft-07" });
}

/** The schema as committed in packages/core/isol8.config.schema.json. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
