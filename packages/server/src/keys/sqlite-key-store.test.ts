import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { defineKeyStoreCases } from "../testing/key-store-cases.js";
import { createSqliteKeyStore } from "./sqlite-key-store.js";

defineKeyStoreCases("sqlite", async () => {
  const dir = await mkdtemp(join(tmpdir(), "isol8-keys-"));
  const clock = { now: Date.parse("2030-01-01T00:00:00Z") };
  const store = createSqliteKeyStore({ path: join(dir, "keys.db"), now: () => clock.now });
  return { store, clock, cleanup: () => rm(dir, { recursive: true, force: true }) };
});

describe("SQLite key store", () => {
  it("uses WAL mode and keeps keys across reopening the file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "isol8-keys-"));
    try {
      const path = join(dir, "keys.db");
      const first = createSqliteKeyStore({ path });
      const { key } = await first.create({ name: "ci", tenant: "acme" });
      await first.close();
      const db = new Database(path, { readonly: true });
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      db.close();
      const second = createSqliteKeyStore({ path });
      expect(await second.verify(key)).toMatchObject({ tenant: "acme" });
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
