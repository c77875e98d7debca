import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";

export interface RunArguments {
  file?: string;
  eval?: string;
  url?: string;
  sha256?: string;
  allowInsecureUrl: boolean;
  maxUrlBytes?: string;
  runtime?: string;
  stdin?: string;
  env: string[];
  secret: string[];
  workdir?: string;
  out?: string;
  install: string[];
  setup: string[];
  image?: string;
  forceImage: boolean;
  timeout?: string;
  memory?: string;
  cpu?: string;
  pidsLimit?: string;
  sandboxSize?: string;
  tmpSize?: string;
  maxOutput?: string;
  net?: "none" | "filtered" | "host";
  allow: string[];
  deny: string[];
  logNetwork: boolean;
  json: boolean;
  verbose: boolean;
  stream: boolean;
  persist: boolean;
  spare?: boolean;
  session?: string;
  host?: string;
  engine?: "docker" | "kubernetes";
  key?: string;
  files?: string;
  download: string[];
  downloadDir?: string;
  config?: string;
}

export function runCommand(setExitCode: (code: number) => void): CommandModule<object, RunArguments> {
  return {
    command: "run [file]",
    describe: "Run code in a fresh, hardened sandbox",
    builder: (yargs: Argv) =>
      yargs
        .positional("file", { type: "string", describe: "File to run; its extension picks the runtime" })
        .option("eval", { alias: "e", type: "string", describe: "Code to run (instead of a file or stdin)" })
        .option("url", {
          type: "string",
          describe:
            "Fetch the code from this https URL on the host (its path's extension picks the runtime); only public addresses: private, loopback, link-local, unique-local, CGNAT, multicast and other internal ones are refused after resolution and at every redirect",
        })
        .option("sha256", {
          type: "string",
          describe:
            "With --url: the SHA-256 (hex) the content must have; a mismatch is refused before any sandbox starts",
        })
        .option("allow-insecure-url", {
          type: "boolean",
          default: false,
          describe: "With --url: also fetch plain http:// URLs (anyone on the way can change the code)",
        })
        .option("max-url-bytes", {
          type: "string",
          describe:
            'With --url: the largest file fetched, e.g. "256k", "4m"; larger is refused [default: 1m]',
        })
        .option("runtime", {
          alias: "r",
          type: "string",
          describe: "Runtime: python, node, bun, deno, bash, …",
        })
        .option("stdin", { type: "string", describe: "Data fed to the program's standard input" })
        .option("env", {
          type: "string",
          array: true,
          default: [],
          describe: "Environment variable K=V (repeatable)",
        })
        .option("secret", {
          type: "string",
          array: true,
          default: [],
          describe: "Secret K=V: set like --env, its value masked as *** in output (repeatable)",
        })
        .option("workdir", {
          type: "string",
          describe: "Working directory inside /sandbox [default: /sandbox]",
        })
        .option("out", { type: "string", describe: "Write the program's stdout to this file" })
        .option("install", {
          alias: "i",
          type: "string",
          array: true,
          default: [],
          describe: "Package to install before the run (repeatable or comma-separated)",
        })
        .option("setup", {
          type: "string",
          array: true,
          default: [],
          describe:
            "Shell command, or a local script file, run in the sandbox before the code, after installs, with its " +
            "limits and network (repeatable); a failure stops the run (exit 122)",
        })
        .option("image", {
          type: "string",
          describe: "Run in this isol8-built image instead of the resolved one",
        })
        .option("force-image", {
          type: "boolean",
          default: false,
          describe: "Allow --image to name a non-isol8 image",
        })
        .option("timeout", {
          alias: "t",
          type: "string",
          describe: 'Wall-clock limit, e.g. "30s", "500ms" [default: 30s]',
        })
        .option("memory", {
          alias: "m",
          type: "string",
          describe: 'Memory limit without swap, e.g. "512m" [default: 512m]',
        })
        .option("cpu", { type: "string", describe: 'CPU cores, e.g. "1" or "0.5" [default: 1]' })
        .option("pids-limit", { type: "string", describe: "Maximum processes and threads [default: 128]" })
        .option("sandbox-size", { type: "string", describe: "Size of the writable /sandbox [default: 512m]" })
        .option("tmp-size", { type: "string", describe: "Size of the non-executable /tmp [default: 64m]" })
        .option("max-output", {
          type: "string",
          describe: "Cap on stdout+stderr; the program is stopped past it [default: 1m]",
        })
        .option("net", {
          type: "string",
          choices: ["none", "filtered", "host"],
          describe:
            "Network: none (loopback only), filtered (only --allow hosts, through an egress proxy), host (the host's network; warns) [default: none]",
        })
        .option("allow", {
          type: "string",
          array: true,
          default: [],
          describe:
            'With --net filtered: a host the program may reach, "pypi.org", "*.example.com" or "host:port" (repeatable or comma-separated)',
        })
        .option("deny", {
          type: "string",
          array: true,
          default: [],
          describe:
            "With --net filtered: a host refused even when allowed; deny wins (repeatable or comma-separated)",
        })
        .option("log-network", {
          type: "boolean",
          default: false,
          describe: "List the program's requests through the egress proxy (--net filtered)",
        })
        .option("json", {
          type: "boolean",
          default: false,
          describe: "Print one JSON result instead of the output",
        })
        .option("verbose", {
          alias: "v",
          type: "boolean",
          default: false,
          describe: "Also say on stderr which image the run used and why",
        })
        .option("stream", {
          type: "boolean",
          default: true,
          describe: "Stream output live (--no-stream prints it when the program ends)",
        })
        .option("engine", {
          type: "string",
          choices: ["docker", "kubernetes"],
          describe:
            "Where the sandbox runs: the local Docker engine, or a pod in the Kubernetes cluster of the kubeconfig (docs/kubernetes.md) [default: config engine, docker]",
        })
        .option("host", {
          type: "string",
          describe: "Run on an isol8 server (`isol8 serve`) at this URL instead of the local Docker engine",
        })
        .option("key", {
          type: "string",
          describe: "With --host: the API key [default: $ISOL8_API_KEY]",
        })
        .option("session", {
          type: "string",
          describe: "Run in the named persistent session: files and installed packages stay between runs",
        })
        .option("files", {
          type: "string",
          describe: "Copy this local folder into /sandbox first (skips .git and node_modules)",
        })
        .option("download", {
          type: "string",
          array: true,
          default: [],
          describe: "Bring this /sandbox path back after the run (repeatable)",
        })
        .option("download-dir", {
          type: "string",
          describe: "Where --download writes, keeping paths relative to /sandbox [default: .]",
        })
        .option("persist", {
          type: "boolean",
          default: false,
          describe: "Keep the container for debugging; prints its id",
        })
        .option("spare", {
          type: "boolean",
          describe:
            "Claim the spare sandbox an earlier run left and leave one for the next (--no-spare: neither) [default: config spare.enabled, true]",
        })
        .example('$0 run -e "print(1)" --runtime python', "Inline code")
        .example("$0 run script.py --install numpy", "A file, with a package installed first")
        .example(
          "$0 run fetch.py --net filtered --allow pypi.org",
          "Reach one host, through the egress proxy",
        )
        .example(
          "$0 run --url https://example.com/hello.py --sha256 HEX",
          "Code fetched over https, pinned to its SHA-256",
        )
        .example(
          "echo 'console.log(1)' | $0 run --runtime node",
          "Code from stdin",
        ) as unknown as Argv<RunArguments>,
    handler: async (args: ArgumentsCamelCase<RunArguments>) => {
      const { runAction } = await import("../actions/run.js");
      setExitCode(await runAction(args));
    },
  };
}
