/**
 * What package managers and curl print when a TLS certificate is not trusted — most often because a TLS-intercepting
 * proxy sits between the machine and the registry, and the image does not know its CA yet.
 */
const UNTRUSTED_CERTIFICATE: readonly RegExp[] = [
  /curl: \(60\)/, // curl: (60) SSL certificate problem: self-signed certificate in certificate chain
  /CERTIFICATE_VERIFY_FAILED/, // pip, Python's ssl
  /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_VERIFY_LEAF_SIGNATURE/, // npm, Node
  /self[- ]signed certificate in (?:certificate )?chain/i, // Bun, Deno, OpenSSL
  /unable to get local issuer certificate/i,
  /invalid peer certificate: UnknownIssuer/, // Deno (rustls)
  /Certificate verification failed: The certificate is NOT trusted/, // apt (GnuTLS)
  /x509: certificate signed by unknown authority/,
];

/** The one hint a TLS verification failure gets: where isol8 takes the CA it should trust. */
export const TLS_HINT =
  "A TLS certificate was not trusted — usually a TLS-intercepting proxy whose CA the images lack: name its PEM " +
  "file in `extraCaCertificates` (isol8.config.json) or in ISOL8_EXTRA_CA_CERTS, then run `isol8 setup` again";

/** The TLS hint when the output shows a certificate that was not trusted, else undefined. */
export function tlsHintFor(output: string): string | undefined {
  return UNTRUSTED_CERTIFICATE.some((pattern) => pattern.test(output)) ? TLS_HINT : undefined;
}
