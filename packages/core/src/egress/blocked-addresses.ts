/**
 * Destinations the egress proxy refuses after resolving a name, whatever the allowlist says: nothing a sandbox
 * should reach through it is on the host, the local networks, the cloud's metadata service or a multicast group.
 * The documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) are deliberately absent:
 * they are not special to routing, and some networks (ours included) put real services there.
 */
export const BLOCKED_ADDRESS_RANGES: readonly string[] = [
  // IPv4
  "0.0.0.0/8", // "this network"
  "10.0.0.0/8", // private
  "100.64.0.0/10", // carrier-grade NAT
  "127.0.0.0/8", // loopback
  "169.254.0.0/16", // link-local, including the metadata service 169.254.169.254
  "172.16.0.0/12", // private, including Docker's own networks
  "192.0.0.0/24", // IETF protocol assignments (DS-Lite, NAT64 discovery)
  "192.168.0.0/16", // private
  "198.18.0.0/15", // benchmarking, also used by fake-IP DNS resolvers
  "224.0.0.0/4", // multicast
  "240.0.0.0/4", // reserved, including the broadcast address
  // IPv6
  "::/128", // unspecified
  "::1", // loopback
  "::ffff:0:0/96", // IPv4-mapped: would carry any IPv4 address past the rules above
  "64:ff9b::/96", // NAT64: likewise
  "64:ff9b:1::/48", // local-use NAT64
  "100::/64", // discard
  "fc00::/7", // unique local
  "fe80::/10", // link-local
  "fec0::/10", // site-local (deprecated)
  "ff00::/8", // multicast
];
