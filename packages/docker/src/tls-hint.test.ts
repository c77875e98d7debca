import { describe, expect, it } from "vitest";
import { TLS_HINT, tlsHintFor } from "./tls-hint.js";

describe("tlsHintFor", () => {
  it.each([
    "curl: (60) SSL certificate problem: self-signed certificate in certificate chain",
    "ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed",
    "npm error code SELF_SIGNED_CERT_IN_CHAIN",
    "npm ERR! code UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    "error: self signed certificate in certificate chain",
    "error sending request: invalid peer certificate: UnknownIssuer",
    "Certificate verification failed: The certificate is NOT trusted. The certificate issuer is unknown.",
  ])("names extraCaCertificates and ISOL8_EXTRA_CA_CERTS for: %s", (output) => {
    expect(tlsHintFor(`Collecting numpy\n${output}\n`)).toBe(TLS_HINT);
    expect(TLS_HINT).toContain("extraCaCertificates");
    expect(TLS_HINT).toContain("ISOL8_EXTRA_CA_CERTS");
  });

  it("stays quiet for other failures", () => {
    expect(tlsHintFor("ERROR: No matching distribution found for nonexistent-pkg")).toBeUndefined();
    expect(tlsHintFor("npm error code E404")).toBeUndefined();
  });
});
