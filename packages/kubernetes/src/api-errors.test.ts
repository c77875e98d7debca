import { describe, expect, it } from "vitest";
import { explainApiError } from "./api-errors.js";

const target = { server: "https://10.0.0.1:6443", namespace: "sandboxes" };
const apiError = (code: number, message: string) =>
  Object.assign(new Error("HTTP-Code"), { code, body: JSON.stringify({ message }) });

describe("explainApiError", () => {
  it("says the API is unreachable for a refused connection, found through the causes", () => {
    const error = explainApiError(
      new Error("fetch failed", { cause: Object.assign(new Error("x"), { code: "ECONNREFUSED" }) }),
      "list pods",
      target,
    );
    expect(error).toMatchObject({ code: "ENGINE_UNAVAILABLE" });
    expect(error.message).toBe("Cannot reach the Kubernetes API at https://10.0.0.1:6443 (ECONNREFUSED)");
    expect(error.hint).toContain("kubectl cluster-info");
  });

  it("says FORBIDDEN with the server's reason and points at the Role", () => {
    const error = explainApiError(
      apiError(403, 'pods is forbidden: User "ci" cannot create resource "pods"'),
      "create a pod",
      target,
    );
    expect(error).toMatchObject({ code: "FORBIDDEN" });
    expect(error.message).toContain('in namespace "sandboxes": pods is forbidden');
    expect(error.hint).toContain("docs/kubernetes.md");
  });

  it("names a missing namespace and how to create it", () => {
    const error = explainApiError(apiError(404, 'namespaces "sandboxes" not found'), "create a pod", target);
    expect(error.message).toBe('The Kubernetes namespace "sandboxes" does not exist');
    expect(error.hint).toContain("kubectl create namespace sandboxes");
  });

  it("says the credentials were refused on 401", () => {
    expect(explainApiError(apiError(401, "Unauthorized"), "list pods", target).message).toContain(
      "did not accept the credentials",
    );
  });

  it("keeps every message to one line", () => {
    const error = explainApiError(apiError(500, "etcd timeout"), "create a pod", target);
    expect(error.message).toBe("Cannot create a pod: etcd timeout");
    expect(error.message).not.toContain("\n");
  });
});
