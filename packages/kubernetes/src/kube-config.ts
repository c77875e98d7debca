import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { Isol8Error } from "@isol8/core";
import { KubeConfig } from "@kubernetes/client-node";

/** In-cluster credentials: a pod's service account, where the isol8 server itself runs as a pod. */
const SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

export interface KubeConfigOptions {
  /** A kubeconfig file; else KUBECONFIG, ~/.kube/config, then the in-cluster service account. */
  kubeconfig?: string | undefined;
  /** A context of that file; else its current context. */
  context?: string | undefined;
}

/**
 * Loads the kubeconfig the way kubectl finds it (of several files in KUBECONFIG, the first that exists). The client library would silently fall back to
 * http://localhost:8080 when there is none; that would surface later as a confusing connection error, so "none" is
 * said here, once, with what was looked at.
 */
export function loadKubeConfig(options: KubeConfigOptions = {}, env = process.env): KubeConfig {
  const config = new KubeConfig();
  const fromEnv = (env.KUBECONFIG ?? "").split(delimiter).filter(Boolean);
  const home = join(homedir(), ".kube", "config");
  const file =
    options.kubeconfig ?? fromEnv.find((path) => existsSync(path)) ?? (existsSync(home) ? home : undefined);
  try {
    if (options.kubeconfig && !existsSync(options.kubeconfig))
      throw new Error(`${options.kubeconfig} does not exist`);
    if (file) loadFile(config, file);
    else if (env.KUBERNETES_SERVICE_HOST) config.loadFromCluster();
    else {
      const looked = [
        ...fromEnv.map((path) => `${path} (KUBECONFIG)`),
        home,
        "the in-cluster service account",
      ];
      throw new Isol8Error(
        "ENGINE_UNAVAILABLE",
        `No Kubernetes configuration found (looked at ${looked.join(", ")})`,
        {
          hint: "Set KUBECONFIG to a kubeconfig file, or `kubernetes.kubeconfig` in isol8.config.json.",
        },
      );
    }
    if (env.KUBERNETES_SERVICE_HOST && !file && !existsSync(SERVICE_ACCOUNT_TOKEN)) {
      throw new Error(`running in a cluster, but ${SERVICE_ACCOUNT_TOKEN} is missing`);
    }
    if (options.context) config.setCurrentContext(options.context);
  } catch (cause) {
    if (cause instanceof Isol8Error) throw cause;
    throw new Isol8Error(
      "ENGINE_UNAVAILABLE",
      `Cannot load the Kubernetes configuration: ${(cause as Error).message}`,
      {
        cause,
        hint: "Check the file that KUBECONFIG (or `kubernetes.kubeconfig`) names: `kubectl config view` reads it too.",
      },
    );
  }
  if (!config.getCurrentCluster()) {
    throw new Isol8Error(
      "ENGINE_UNAVAILABLE",
      `The Kubernetes configuration names no cluster for context "${config.getCurrentContext()}"`,
      {
        hint: "Pick a context that exists (`kubectl config get-contexts`).",
      },
    );
  }
  return config;
}

/** The library reads an empty or foreign YAML file as undefined and fails on a property of it: say what it is. */
function loadFile(config: KubeConfig, file: string): void {
  try {
    config.loadFromFile(file);
  } catch (error) {
    if (error instanceof TypeError)
      throw new Error(`${file} is not a kubeconfig (no clusters, users or contexts)`);
    throw error;
  }
}

/** The namespace to use: the option, else the context's, else "default". */
export function contextNamespace(config: KubeConfig): string {
  return config.getContextObject(config.getCurrentContext())?.namespace ?? "default";
}
