import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineKeyStoreCases } from "../testing/key-store-cases.js";
import { type PostgresCluster, startPostgresCluster } from "../testing/postgres-cluster.js";
import { createKeyStore } from "./create-key-store.js";
import { createPostgresKeyStore } from "./postgres-key-store.js";

// A real PostgreSQL server, started for this file: the store's SQL must run on the real thing.
let cluster: PostgresCluster;
beforeAll(async () => {
  cluster = await startPostgresCluster();
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

async function emptyTable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("DROP TABLE IF EXISTS isol8_api_keys");
  await client.end();
}

defineKeyStoreCases("postgres", async () => {
  await emptyTable(cluster.url);
  const clock = { now: Date.parse("2030-01-01T00:00:00Z") };
  return { store: createPostgresKeyStore({ url: cluster.url, now: () => clock.now }), clock };
});

describe("PostgreSQL key store", () => {
  it("creates its schema once when several servers start together, and they share keys", async () => {
    await emptyTable(cluster.url);
    const stores = Array.from({ length: 4 }, () => createPostgresKeyStore({ url: cluster.url }));
    try {
      await Promise.all(stores.map((store) => store.ping()));
      const [first] = stores;
      if (!first) throw new Error("no store");
      const { key } = await first.create({ name: "shared", tenant: "acme" });
      for (const store of stores) expect(await store.verify(key)).toMatchObject({ tenant: "acme" });
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it("is what createKeyStore opens for a postgres:// URL", async () => {
    const store = createKeyStore(cluster.url);
    try {
      const { key } = await store.create({ name: "via-url", tenant: "acme" });
      expect(await store.verify(key)).toMatchObject({ name: "via-url" });
    } finally {
      await store.close();
    }
  });

  it("rejects ping with the driver's error when the database does not answer", async () => {
    const store = createPostgresKeyStore({ url: "postgres://isol8@127.0.0.1:1/postgres" });
    await expect(store.ping()).rejects.toThrow(/ECONNREFUSED|connect/);
    await store.close();
  });
});
