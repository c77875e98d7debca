// Bundles the CLI into one CommonJS file (dist/isol8.cjs) that `dist/bin.cjs` loads with a V8 code cache:
// resolving and compiling ~500 modules (yargs, zod, dockerode, ours) cost ~250 ms of every `isol8 run`; the bundle
// with its code cache loads in ~45 ms. The unbundled dist/ stays the library and the fallback.
import { chmod, readFile, writeFile } from "node:fs/promises";
import { dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const outfile = `${packageDir}/dist/isol8.cjs`;

/**
 * Each module keeps its own `import.meta.url` (our assets and yargs' locales are found relative to it), expressed
 * relative to the bundle so that the checkout can move.
 */
const keepModuleUrls = {
  name: "keep-module-urls",
  setup(bundler) {
    bundler.onLoad({ filter: /\.[cm]?[jt]s$/ }, async ({ path }) => {
      const source = await readFile(path, "utf8");
      if (!source.includes("import.meta.url")) return undefined;
      const loader = path.endsWith(".ts") ? "ts" : "js";
      return { contents: withModuleUrl(source, path), loader, resolveDir: dirname(path) };
    });
  },
};

function withModuleUrl(source, path) {
  const fromBundle = relative(dirname(outfile), path);
  return source.replaceAll(
    "import.meta.url",
    `new URL(${JSON.stringify(fromBundle)}, __isol8BundleUrl).href`,
  );
}

/**
 * dockerode loads its BuildKit session support (gRPC, protobuf) and docker-modem its SSH transport (ssh2) when they
 * are imported, although a run uses neither: in the bundle they load on first use instead, which takes ~30 ms off
 * every start. Each is a function called at most once per build or SSH connection.
 */
const deferred = [
  { importer: /dockerode\/lib\/docker\.js$/, specifier: "./session" },
  { importer: /docker-modem\/lib\/modem\.js$/, specifier: "./ssh" },
];
const deferRarelyUsedModules = {
  name: "defer-rarely-used-modules",
  setup(bundler) {
    bundler.onResolve({ filter: /^\.\/(session|ssh)$/ }, ({ path, importer, resolveDir }) => {
      if (!deferred.some((entry) => entry.importer.test(importer) && entry.specifier === path))
        return undefined;
      return { path: `${resolveDir}/${path.slice(2)}.js`, namespace: "deferred" };
    });
    bundler.onLoad({ filter: /.*/, namespace: "deferred" }, ({ path }) => ({
      contents: `module.exports = function () { return require(${JSON.stringify(path)}).apply(this, arguments); };`,
      resolveDir: dirname(path),
      loader: "js",
    }));
  },
};

/**
 * yargs' Node shim imports cliui and string-width for rendering help, and each string-width (two versions) builds an
 * Intl.Segmenter when it is imported: loading ICU's segmentation data took ~20 ms of every start (~35 ms of a
 * loaded machine's), for a run that renders no help. In the bundle the shim gets both through functions that load
 * them on first use (`--help`, a usage error).
 */
const YARGS_SHIM = /yargs\/lib\/platform-shims\/esm\.mjs$/;
const LAZY_UI_IMPORTS = ["import cliui from 'cliui'", "import stringWidth from 'string-width';"];
const loadYargsUiOnUse = {
  name: "load-yargs-ui-on-use",
  setup(bundler) {
    bundler.onLoad({ filter: YARGS_SHIM }, async ({ path }) => {
      let source = await readFile(path, "utf8");
      for (const line of LAZY_UI_IMPORTS) {
        if (!source.includes(line)) throw new Error(`${path} no longer has ${line}`);
        source = source.replace(line, "");
      }
      const contents = `import { cliui, stringWidth } from "isol8-lazy-yargs-ui";\n${withModuleUrl(source, path)}`;
      return { contents, loader: "js", resolveDir: dirname(path) };
    });
    bundler.onResolve({ filter: /^isol8-lazy-yargs-ui$/ }, ({ resolveDir }) => ({
      path: resolveDir,
      namespace: "lazy-yargs-ui",
    }));
    // require() of an ES module: esbuild initialises it on that call. `default` or the module itself (cliui
    // exports its function as `module.exports`).
    bundler.onLoad({ filter: /.*/, namespace: "lazy-yargs-ui" }, ({ path }) => ({
      contents: [
        "const load = (m) => (typeof m === 'function' ? m : m.default);",
        "export const cliui = (...args) => load(require('cliui'))(...args);",
        "export const stringWidth = (...args) => load(require('string-width'))(...args);",
      ].join("\n"),
      resolveDir: path,
      loader: "js",
    }));
  },
};

/**
 * The CLI's version, read from package.json when the bundle is built: version.ts reads it through Node's module
 * loader at start (~2 ms), which the bundle need not repeat.
 */
const inlineVersion = {
  name: "inline-version",
  setup(bundler) {
    bundler.onLoad({ filter: /cli\/src\/version\.ts$/ }, async () => {
      const { version } = JSON.parse(await readFile(`${packageDir}/package.json`, "utf8"));
      return { contents: `export const VERSION = ${JSON.stringify(version)};`, loader: "ts" };
    });
  },
};

/**
 * Runtime plugins are ES modules that the CLI loads with import(). A vm script (bin.cjs runs the bundle as one, for
 * its code cache) has no loader for that: in the bundle, those imports go through the loader bin.cjs passes in.
 */
/**
 * Files whose import()s load modules from outside the bundle: runtime plugins, the server (`isol8 serve`,
 * `isol8 keys`; better-sqlite3 is a native module), the MCP SDK (`isol8 mcp`), which a run never needs, and the
 * Kubernetes engine (its client library is ~2 MB), which only `--engine kubernetes` loads.
 */
const PLUGIN_IMPORTERS =
  /(core\/src\/config\/load-runtimes|cli\/src\/actions\/(serve|keys|mcp|kubernetes-engine))\.ts$/;
const importPluginsThroughBin = {
  name: "import-plugins-through-bin",
  setup(bundler) {
    bundler.onLoad({ filter: PLUGIN_IMPORTERS }, async ({ path }) => {
      const source = await readFile(path, "utf8");
      if (!source.includes("await import("))
        throw new Error(`${path} no longer imports plugins with import()`);
      const contents = source.replaceAll("await import(", "await __isol8ImportModule(");
      return { contents, loader: "ts", resolveDir: dirname(path) };
    });
  },
};

/**
 * docker-modem creates its `debug` logger when it is imported, and `debug` then looks at the terminal and the
 * environment (~2 ms of every start) for logs nobody asked for. In the bundle the logger is a no-op unless DEBUG is
 * set, in which case the real `debug` loads as before.
 */
const quietDebugUnlessAsked = {
  name: "quiet-debug-unless-asked",
  setup(bundler) {
    bundler.onResolve({ filter: /^debug$/ }, async ({ importer, resolveDir, kind }) => {
      if (!/docker-modem\/lib\/modem\.js$/.test(importer)) return undefined;
      const real = await bundler.resolve("debug", { resolveDir, kind });
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: real.path, namespace: "quiet-debug" };
    });
    bundler.onLoad({ filter: /.*/, namespace: "quiet-debug" }, ({ path }) => ({
      contents: [
        "module.exports = function (namespace) {",
        `  if (process.env.DEBUG) return require(${JSON.stringify(path)})(namespace);`,
        "  const log = () => undefined;",
        "  log.enabled = false;",
        "  return log;",
        "};",
      ].join("\n"),
      resolveDir: dirname(path),
      loader: "js",
    }));
  },
};

await build({
  entryPoints: [`${packageDir}/src/main.ts`],
  outfile,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  // ssh2's optional native speed-ups (SSH transports only); it falls back to JavaScript without them.
  external: ["cpu-features", "*.node", "@isol8/server", "@isol8/mcp", "@isol8/kubernetes"],
  banner: {
    js: [
      `const __isol8BundleUrl = require("node:url").pathToFileURL(__filename).href;`,
      // Loaded by require() rather than bin.cjs, the bundle is an ordinary module and can import() itself.
      `const __isol8ImportModule = typeof __isol8Import === "function" ? __isol8Import : (specifier) => import(specifier);`,
    ].join("\n"),
  },
  plugins: [
    inlineVersion,
    importPluginsThroughBin,
    loadYargsUiOnUse,
    keepModuleUrls,
    deferRarelyUsedModules,
    quietDebugUnlessAsked,
  ],
  legalComments: "eof",
  // A third smaller bundle reads and loads ~8 ms faster (118 vs 126 ms to the first Docker request); names are kept,
  // so stack traces still say which function failed.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: "warning",
});

// bin.cjs reads the bundle as latin1, which is right only for ASCII: esbuild's default charset keeps it so.
const bundled = await readFile(outfile);
const nonAscii = bundled.findIndex((byte) => byte > 0x7f);
if (nonAscii >= 0)
  throw new Error(`${outfile} has a non-ASCII byte at ${nonAscii}: bin.cjs reads it as latin1`);

/**
 * dist/bin.cjs starts as a shell line that hands NODE_EXTRA_CA_CERTS over as ISOL8_DEFERRED_EXTRA_CA_CERTS before
 * it execs Node: Node 20 parses those certificates before any script runs (~70 ms for a host's bundle), and a
 * local run makes no TLS connection (src/deferred-extra-ca.ts gives them to TLS when one may). The line is a
 * string and a comment to JavaScript; `node dist/bin.cjs` skips it and loads the certificates at start, as before.
 */
const binFile = `${packageDir}/dist/bin.cjs`;
const LAUNCHER = [
  "#!/bin/sh",
  `':' //; [ -n "\${NODE_EXTRA_CA_CERTS-}" ] && export ISOL8_DEFERRED_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS" && unset NODE_EXTRA_CA_CERTS; exec node "$0" "$@"`,
].join("\n");
const binSource = await readFile(binFile, "utf8");
const [shebang, ...rest] = binSource.split("\n");
if (shebang !== "#!/usr/bin/env node" && shebang !== "#!/bin/sh")
  throw new Error(`${binFile} starts with ${shebang}, not the shebang bin.cts has`);
const body = shebang === "#!/bin/sh" ? rest.slice(1) : rest;
await writeFile(binFile, `${LAUNCHER}\n${body.join("\n")}`);
await chmod(binFile, 0o755);
