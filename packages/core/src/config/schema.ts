import { z } from "zod";
import { Isol8Error } from "../errors.js";
import { limitsSchema, networkModeSchema } from "../execution.js";
import { parseDuration, parseSize } from "../limits.js";
import { runtimeDefinitionSchema } from "../runtime.js";

/** The OS image that `isol8:base` is built on when neither the file nor ISOL8_OS_IMAGE names another. */
export const DEFAULT_OS_IMAGE = "debian:bookworm-slim";

/**
 * Runs one of the limits.ts parsers inside zod, so that the file and the CLI flags accept exactly the same spellings
 * and a bad value becomes a `path: message` issue instead of an exception.
 */
function parsedBy(parse: (input: string | number, what: string) => number) {
  return (value: string | number, ctx: z.RefinementCtx): number => {
    try {
      return parse(value, "");
    } catch (error) {
      // The parsers name the option first; the issue path already does, so only the reason remains.
      const message = error instanceof Isol8Error ? error.message.trim() : String(error);
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    }
  };
}

// Examples sit on the input side because the JSON Schema describes what users write.
const size = (description: string, bound: z.ZodNumber) =>
  z
    .union([z.string(), z.number()])
    .meta({ examples: ["512m", "1g", 536870912] })
    .transform(parsedBy(parseSize))
    .pipe(bound)
    .meta({ description });

const duration = (description: string, bound: z.ZodNumber) =>
  z
    .union([z.string(), z.number()])
    .meta({ examples: ["30s", "500ms", 30000] })
    .transform(parsedBy(parseDuration))
    .pipe(bound)
    .meta({ description });

const limit = limitsSchema.shape;

// The rule of a runtime's own name, so that a key no runtime could have ("Python") is caught in the file.
const runtimeName = runtimeDefinitionSchema.shape.name;

const packageList = z
  .array(z.string())
  .meta({ description: "Package names, as the runtime's package manager spells them." });

const hostPatterns = z
  .array(z.string())
  .meta({ description: 'Host-name patterns such as "pypi.org" or "*.github.com".' });

const defaultsSchema = z
  .strictObject({
    timeout: duration(
      'Wall-clock limit of a run: "30s", "500ms", "2m" or milliseconds.',
      limit.timeoutMs.unwrap(),
    ),
    memory: size('Memory limit, no swap: "512m", "1g" or bytes.', limit.memoryBytes.unwrap()),
    cpus: limit.cpus.unwrap().meta({ description: "CPU quota in cores (0.5, 1, 2).", examples: [1, 0.5] }),
    pids: limit.pids
      .unwrap()
      .meta({ description: "Maximum number of processes and threads.", examples: [128] }),
    sandboxSize: size("Size of the writable, executable tmpfs at /sandbox.", limit.sandboxBytes.unwrap()),
    tmpSize: size("Size of the writable, non-executable tmpfs at /tmp.", limit.tmpBytes.unwrap()),
    maxOutput: size(
      "Cap on stdout plus stderr; the program is stopped past it.",
      limit.maxOutputBytes.unwrap(),
    ),
    installTimeout: duration(
      "Time allowed for installing packages at run time.",
      limit.installTimeoutMs.unwrap(),
    ),
    network: networkModeSchema.meta({
      description: "none: loopback only; filtered: through the egress proxy; host: the host's network.",
    }),
    allow: hostPatterns.meta({ description: "Hosts reachable in filtered mode." }),
    deny: hostPatterns.meta({ description: "Hosts refused in filtered mode; deny wins over allow." }),
  })
  .partial()
  .meta({ description: "Limits and network policy of every run, unless a flag says otherwise." });

/** A third-party runtime: an npm package name, a path relative to the config file, or either with options. */
export const runtimePluginSpecSchema = z.union(
  [
    z.string().min(1),
    z.strictObject({
      module: z
        .string()
        .min(1)
        .meta({ description: 'An npm package name or a path such as "./plugins/ruby.mjs".' }),
      options: z
        .record(z.string(), z.unknown())
        .optional()
        .meta({ description: "Passed to the plugin's factory." }),
    }),
  ],
  { error: 'must be a module name, a path, or { "module": …, "options": { … } }' },
);
export type RuntimePluginSpec = z.infer<typeof runtimePluginSpecSchema>;

/** The zod schema of `isol8.config.json`. Every key is optional and unknown keys are errors. */
export const configFileSchema = z
  .strictObject({
    $schema: z.string().meta({ description: "Where editors find this schema; isol8 ignores it." }),
    dependencies: z.record(runtimeName, packageList).meta({
      description:
        "Packages every run of a runtime gets, per runtime; `isol8 setup` bakes them into a custom image.",
    }),
    setup: z.record(runtimeName, z.array(z.string().min(1, "a setup command must not be empty"))).meta({
      description:
        "Shell commands every run of a runtime runs in the sandbox before its code (after installs), per runtime; `isol8 run --setup` adds to them.",
    }),
    defaults: defaultsSchema,
    extraCaCertificates: z.array(z.string().min(1)).meta({
      description: "PEM files trusted inside every sandbox (corporate proxies); relative to this file.",
    }),
    osImage: z
      .string()
      .min(1)
      .meta({ description: "The OS image under isol8:base.", default: DEFAULT_OS_IMAGE }),
    runtimes: z.array(runtimePluginSpecSchema).meta({ description: "Third-party runtime plugins to load." }),
    registries: z.record(runtimeName, hostPatterns).meta({
      description:
        "Replaces a runtime's package registries (private mirrors) for installs on a filtered network.",
    }),
    pool: z
      .strictObject({
        size: z
          .number()
          .int()
          .min(0)
          .meta({ description: "Pre-started sandboxes kept ready per kind.", default: 0 }),
        idleTimeout: duration("How long an unused pre-started sandbox is kept.", z.number().int().positive()),
      })
      .partial(),
    spare: z
      .strictObject({
        enabled: z.boolean().meta({
          description:
            "Each `isol8 run` without a network leaves one started, never-used sandbox that the next run of the same kind claims instead of starting a container.",
          default: true,
        }),
        idleTimeout: duration(
          "How long an unclaimed spare waits before it removes itself.",
          z.number().int().positive(),
        ),
      })
      .partial(),
    engine: z.enum(["docker", "kubernetes"]).meta({
      description:
        "Where sandboxes run: the local Docker engine, or pods in a Kubernetes cluster (`isol8 run --engine`).",
      default: "docker",
    }),
    kubernetes: z
      .strictObject({
        kubeconfig: z.string().min(1).meta({
          description:
            "A kubeconfig file; relative to this file. Else KUBECONFIG, ~/.kube/config, then in-cluster.",
        }),
        context: z
          .string()
          .min(1)
          .meta({ description: "A context of the kubeconfig; else its current one." }),
        namespace: z.string().min(1).meta({
          description:
            "Namespace of the sandbox pods, policies and egress proxy; else the context's, else default.",
        }),
        image: z
          .strictObject({
            registry: z.string().min(1).meta({
              description: "Registry (and path) in front of every image name: <registry>/isol8:python.",
            }),
            pullPolicy: z.enum(["Always", "IfNotPresent", "Never"]).meta({
              description: "imagePullPolicy of sandbox pods; Never for images loaded into the nodes by hand.",
              default: "IfNotPresent",
            }),
          })
          .partial(),
        runtimeClassName: z.string().min(1).meta({
          description:
            "RuntimeClass of every sandbox pod (gVisor, Kata); else the cluster's default runtime.",
        }),
        seccompProfile: z.string().min(1).meta({
          description:
            "A Localhost seccomp profile on the nodes (relative to the kubelet's seccomp folder); else RuntimeDefault.",
        }),
        verifyNetworkPolicy: z.boolean().meta({
          description:
            "Prove from inside each new pod, before the code runs, that its NetworkPolicy is enforced; false only on a cluster that cannot enforce it.",
          default: true,
        }),
      })
      .partial()
      .meta({ description: "The Kubernetes engine: docs/kubernetes.md." }),
    addressPool: z
      .strictObject({
        base: z
          .string()
          .regex(
            /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/,
            "must be an IPv4 range in CIDR notation, e.g. 10.213.0.0/16",
          )
          .meta({
            description: "The IPv4 range sandbox networks take their subnets from.",
            default: "10.213.0.0/16",
          }),
        size: z
          .number()
          .int()
          .min(8)
          .max(29)
          .meta({ description: "Prefix length of each sandbox network's subnet.", default: 28 }),
      })
      .partial({ size: true })
      .meta({
        description:
          "Each filtered sandbox (and each install) gets an internal network of its own, with a subnet from this range; pick one your machine's own networks do not use.",
      }),
    audit: z
      .strictObject({
        file: z.string().min(1).meta({
          description: "The JSON-lines file that gets one line per execution; relative to this file.",
        }),
        maxSize: size(
          "Rotate the file before a line would take it past this size.",
          z.number().int().positive(),
        ),
        keep: z
          .number()
          .int()
          .min(1)
          .max(100)
          .meta({ description: "How many rotated files (file.1, file.2, …) are kept.", default: 5 }),
        includeCode: z
          .boolean()
          .meta({ description: "Add the code itself (secrets masked).", default: false }),
        includeOutput: z
          .boolean()
          .meta({ description: "Add stdout and stderr (masked like the output).", default: false }),
      })
      .partial({ maxSize: true, keep: true, includeCode: true, includeOutput: true })
      .meta({
        description:
          "An audit log: one JSON line per execution (time, runtime, image id, limits, network, exit, durations, output sizes, the code's SHA-256); secrets never appear.",
      }),
  })
  .partial()
  .meta({ title: "isol8 configuration", description: "Settings of isol8, read from isol8.config.json." });

/** The file as written, after parsing: sizes in bytes, times in milliseconds, nothing filled in. */
export type ConfigFile = z.output<typeof configFileSchema>;
/** The file as a user writes it ("512m", "30s"). */
export type ConfigFileInput = z.input<typeof configFileSchema>;
