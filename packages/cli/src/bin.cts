#!/usr/bin/env node
/**
 * The `isol8` command. It loads the bundled CLI (dist/isol8.cjs) through a V8 code cache in the user's cache
 * folder: resolving and compiling the CLI's ~500 modules one by one cost more than the container start of a run;
 * the bundle with its cache loads in a fraction of that. Without a bundle (a build that skipped bundling) it runs
 * the modules as they are.
 */
import fs = require("node:fs");
import os = require("node:os");
import path = require("node:path");
import vm = require("node:vm");

type Main = (argv: string[]) => Promise<number>;

/** Commands with a code cache of their own; anything else (help, typos) shares one. */
const COMMANDS = ["run", "setup", "build", "config", "cleanup", "sessions", "serve", "keys", "mcp"];

const argv = process.argv.slice(2);
const bundlePath = path.join(__dirname, "isol8.cjs");

void (async () => {
  // Answered before anything loads: tools and people call it to see whether isol8 is there at all.
  if (argv.length === 1 && argv[0] === "--version") {
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8"));
    process.stdout.write(`${(manifest as { version: string }).version}\n`);
    return;
  }
  const main = loadBundle() ?? ((await import("./main.js")) as { main: Main }).main;
  const code = await main(argv);
  // Exits once the output is written, not when the last socket closes: a released sandbox removes itself, and
  // waiting for Docker to confirm that would only delay the prompt.
  process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
})();

function loadBundle(): Main | undefined {
  let source: string;
  let stat: fs.Stats;
  try {
    // The bundle is ASCII (esbuild escapes the rest; scripts/bundle.mjs checks it): latin1 decodes it as UTF-8 would,
    // in half the time of a 2.4 MB UTF-8 decode.
    source = fs.readFileSync(bundlePath, "latin1");
    stat = fs.statSync(bundlePath);
  } catch {
    return undefined;
  }
  const cacheFile = codeCachePath(stat);
  const cached = readOrUndefined(cacheFile);
  const script = new vm.Script(wrap(source), {
    filename: bundlePath,
    ...(cached ? { cachedData: cached } : {}),
  });
  const module = { exports: {} as { main?: Main } };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  // A vm script cannot import() (it has no module loader; Node's own loader for it is experimental and lost with a
  // code cache), and the CLI imports third-party runtime plugins, which are ES modules: it borrows this file's.
  const importModule = (specifier: string) => import(specifier);
  wrapper(module.exports, require, module, bundlePath, __dirname, importModule);
  const main = module.exports.main;
  if (!main) return undefined;
  if (cached && !script.cachedDataRejected) return main;
  // Written after the command ran, so the functions it compiled on the way are in the cache too; also when yargs
  // ends the process itself (--help, a usage error).
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    writeAtomically(cacheFile, script.createCachedData());
  };
  process.once("exit", write);
  return async (args) => {
    const code = await main(args);
    write();
    return code;
  };
}

/** Module.wrap's CommonJS wrapper, with one more parameter: the bundle's way to import an ES module. */
function wrap(source: string): string {
  return `(function (exports, require, module, __filename, __dirname, __isol8Import) { ${source}\n});`;
}

/** One cache per command (each compiles different functions), bundle build and Node version. */
function codeCachePath(stat: fs.Stats): string | undefined {
  const command = COMMANDS.includes(argv[0] ?? "") ? argv[0] : "other";
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  const key = `${process.version}-${stat.size}-${Math.trunc(stat.mtimeMs)}`;
  return path.join(base, "isol8", "code-cache", `${command}-${key}.bin`);
}

function readOrUndefined(file: string | undefined): Buffer | undefined {
  if (!file) return undefined;
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Concurrent runs may write the same cache: each writes its own file and renames it into place. */
function writeAtomically(file: string | undefined, data: Buffer): void {
  if (!file) return;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, data);
    fs.renameSync(temporary, file);
    // Caches of earlier builds (or Node versions) for this command are dead weight.
    const command = `${path.basename(file).split("-")[0]}-`;
    for (const name of fs.readdirSync(path.dirname(file))) {
      if (name.startsWith(command) && name.endsWith(".bin") && name !== path.basename(file))
        fs.rmSync(path.join(path.dirname(file), name), { force: true });
    }
  } catch {
    // A read-only home only costs speed.
  }
}
