import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { KeyStore } from "../keys/key-store.js";

/** A store under test and the clock it reads, which the cases move forward. */
export interface KeyStoreFixture {
  store: KeyStore;
  clock: { now: number };
  cleanup?: () => Promise<void>;
}

/** The cases every KeyStore passes (SQLite here; PostgreSQL in the Docker project). */
export function defineKeyStoreCases(name: string, create: () => Promise<KeyStoreFixture>): void {
  describe(`KeyStore: ${name}`, () => {
    let fixture: KeyStoreFixture;
    beforeEach(async () => {
      fixture = await create();
    });
    afterEach(async () => {
      await fixture.store.close();
      await fixture.cleanup?.();
    });

    it("creates a key shown once as isol8_ + 43 base64url characters, and verifies it", async () => {
      const { key, record } = await fixture.store.create({ name: "ci", tenant: "acme" });
      expect(key).toMatch(/^isol8_[A-Za-z0-9_-]{43}$/);
      expect(record).toMatchObject({
        name: "ci",
        tenant: "acme",
        revokedAt: undefined,
        expiresAt: undefined,
      });
      expect(await fixture.store.verify(key)).toEqual({
        id: record.id,
        name: "ci",
        tenant: "acme",
        quota: {},
      });
    });

    it("stores no key, only a digest: listing shows no secret", async () => {
      const { key } = await fixture.store.create({ name: "ci", tenant: "acme" });
      const listed = JSON.stringify(await fixture.store.list());
      expect(listed).not.toContain(key);
      expect(listed).not.toContain(key.slice(6));
    });

    it("refuses unknown, malformed and almost-right keys", async () => {
      const { key } = await fixture.store.create({ name: "ci", tenant: "acme" });
      const flipped = `${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`;
      expect(await fixture.store.verify(flipped)).toBeUndefined();
      expect(await fixture.store.verify("isol8_short")).toBeUndefined();
      expect(await fixture.store.verify("")).toBeUndefined();
    });

    it("refuses a revoked key at once; revoking twice keeps the first time; unknown ids answer false", async () => {
      const { key, record } = await fixture.store.create({ name: "ci", tenant: "acme" });
      fixture.clock.now += 1000;
      expect(await fixture.store.revoke(record.id)).toBe(true);
      expect(await fixture.store.verify(key)).toBeUndefined();
      const [first] = await fixture.store.list();
      fixture.clock.now += 1000;
      expect(await fixture.store.revoke(record.id)).toBe(true);
      const [second] = await fixture.store.list();
      expect(second?.revokedAt).toEqual(first?.revokedAt);
      expect(await fixture.store.revoke("key_nope")).toBe(false);
    });

    it("refuses a key from its expiry on", async () => {
      const expiresAt = new Date(fixture.clock.now + 60_000);
      const { key } = await fixture.store.create({ name: "temp", tenant: "acme", expiresAt });
      expect(await fixture.store.verify(key)).toBeDefined();
      fixture.clock.now = expiresAt.getTime();
      expect(await fixture.store.verify(key)).toBeUndefined();
    });

    it("lists all keys or one tenant's, with quotas", async () => {
      await fixture.store.create({ name: "a", tenant: "acme", quota: { maxConcurrentExecutions: 2 } });
      fixture.clock.now += 1;
      await fixture.store.create({ name: "b", tenant: "globex" });
      expect((await fixture.store.list()).map((record) => record.name)).toEqual(["a", "b"]);
      const acme = await fixture.store.list({ tenant: "acme" });
      expect(acme).toHaveLength(1);
      expect(acme[0]?.quota).toEqual({ maxConcurrentExecutions: 2 });
    });

    it("refuses tenant names that could not be part of a session name", async () => {
      await expect(fixture.store.create({ name: "x", tenant: "Acme.Corp" })).rejects.toMatchObject({
        code: "INVALID_INPUT",
        message: expect.stringContaining("tenant"),
      });
      await expect(fixture.store.create({ name: "x", tenant: "admin" })).rejects.toMatchObject({
        code: "INVALID_INPUT",
        message: expect.stringContaining("reserved for the admin key"),
      });
      await expect(fixture.store.create({ name: " ", tenant: "acme" })).rejects.toMatchObject({
        code: "INVALID_INPUT",
      });
    });

    it("answers a ping", async () => {
      await expect(fixture.store.ping()).resolves.toBeUndefined();
    });
  });
}
