import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { Isol8Error, parseDuration } from "@isol8/core";
import type { KeysArguments } from "../commands/keys.js";
import { defaultKeyStoreLocation } from "./key-store-location.js";

/** `isol8 keys`: works on the key store directly (the server need not run); keys are shown only when created. */
export async function keysAction(args: KeysArguments): Promise<number> {
  const server = await import("@isol8/server");
  if (args.action === "generate") {
    process.stdout.write(`${server.generateApiKey()}\n`);
    return 0;
  }
  const location = args.keys ?? defaultKeyStoreLocation();
  if (!/^postgres(ql)?:\/\//i.test(location)) mkdirSync(dirname(location), { recursive: true });
  const store = server.createKeyStore(location);
  try {
    switch (args.action) {
      case "create":
        return await create(store, args);
      case "list":
        return await list(store, args);
      default:
        return await revoke(store, args);
    }
  } finally {
    await store.close();
  }
}

type Store = ReturnType<Awaited<typeof import("@isol8/server")>["createKeyStore"]>;

async function create(store: Store, args: KeysArguments): Promise<number> {
  if (!args.name || !args.tenant) {
    throw new Isol8Error("INVALID_INPUT", "isol8 keys create needs --name and --tenant", {
      hint: "isol8 keys create --name ci --tenant acme",
    });
  }
  const quota = {
    ...(args.maxConcurrent === undefined ? {} : { maxConcurrentExecutions: args.maxConcurrent }),
    ...(args.maxSessions === undefined ? {} : { maxSessions: args.maxSessions }),
  };
  const created = await store.create({
    name: args.name,
    tenant: args.tenant,
    ...(args.expires ? { expiresAt: expiryOf(args.expires) } : {}),
    quota,
  });
  if (args.json) {
    process.stdout.write(`${JSON.stringify(created, null, 2)}\n`);
  } else {
    process.stdout.write(`${created.key}\n`);
    process.stderr.write(
      `[isol8] key ${created.record.id} for tenant ${created.record.tenant}: shown this once, only its SHA-256 is kept\n`,
    );
  }
  return 0;
}

async function list(store: Store, args: KeysArguments): Promise<number> {
  const records = await store.list(args.tenant ? { tenant: args.tenant } : {});
  if (args.json) {
    process.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
    return 0;
  }
  const now = Date.now();
  for (const record of records) {
    const state = record.revokedAt
      ? "revoked"
      : record.expiresAt && record.expiresAt.getTime() <= now
        ? "expired"
        : "active";
    const expires = record.expiresAt ? ` expires ${record.expiresAt.toISOString()}` : "";
    process.stdout.write(
      `${record.id}  ${record.tenant.padEnd(16)} ${record.name.padEnd(20)} ${state}${expires}\n`,
    );
  }
  return 0;
}

async function revoke(store: Store, args: KeysArguments): Promise<number> {
  if (!args.id) {
    throw new Isol8Error("INVALID_INPUT", "isol8 keys revoke needs the key's id", {
      hint: "`isol8 keys list` shows the ids (key_…).",
    });
  }
  if (await store.revoke(args.id)) {
    process.stdout.write(`revoked ${args.id}\n`);
    return 0;
  }
  throw new Isol8Error("INVALID_INPUT", `There is no key ${args.id}`, {
    hint: "`isol8 keys list` shows the ids.",
  });
}

/** An ISO date, or a duration from now: "90d", "12h", "30m". */
function expiryOf(text: string): Date {
  const days = /^(\d+)\s*d$/i.exec(text.trim());
  if (days) return new Date(Date.now() + Number(days[1]) * 86_400_000);
  if (/^\d+(\.\d+)?\s*(ms|s|m|h)$/i.test(text.trim()))
    return new Date(Date.now() + parseDuration(text, "--expires"));
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) {
    throw new Isol8Error("INVALID_INPUT", `--expires "${text}" is neither a date nor a duration`, {
      hint: 'Give an ISO date ("2027-01-31") or a duration from now ("90d", "12h").',
    });
  }
  return date;
}
