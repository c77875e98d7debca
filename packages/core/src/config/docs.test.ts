import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "./load.js";
import { configFileSchema } from "./schema.js";

const doc = readFileSync(new URL("../../../../docs/configuration.md", import.meta.url), "utf8");

function blocks(language: string): string[] {
  return [...doc.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, "g"))].map(
    (match) => match[1] ?? "",
  );
}

const created: string[] = [];
afterEach(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function loadText(text: string) {
  const cwd = mkdtempSync(join(tmpdir(), "isol8-docs-"));
  created.push(cwd);
  writeFileSync(join(cwd, "isol8.config.json"), text);
  return loadConfig({ cwd, homeDir: cwd, env: {} });
}

describe("docs/configuration.md", () => {
  it("has JSON examples that isol8 accepts", () => {
    expect(blocks("json").length).toBeGreaterThan(0);
    for (const example of blocks("json")) expect(loadText(example).file).toBeDefined();
  });

  it("shows every key in its main example", () => {
    const example = JSON.parse(blocks("json")[0] ?? "{}");
    const shape = configFileSchema.shape;
    expect(Object.keys(example).sort()).toEqual(Object.keys(shape).sort());
    expect(Object.keys(example.defaults).sort()).toEqual(Object.keys(shape.defaults.unwrap().shape).sort());
    expect(Object.keys(example.pool).sort()).toEqual(Object.keys(shape.pool.unwrap().shape).sort());
    expect(Object.keys(example.spare).sort()).toEqual(Object.keys(shape.spare.unwrap().shape).sort());
    expect(Object.keys(example.kubernetes).sort()).toEqual(
      Object.keys(shape.kubernetes.unwrap().shape).sort(),
    );
  });

  it("shows the error message isol8 really prints", () => {
    const [sample] = blocks("text");
    const config = JSON.stringify({ defaults: { memory: "12parsecs", swap: "1g" } });
    expect(() => loadText(config)).toThrow(sample?.trimEnd());
  });
});
