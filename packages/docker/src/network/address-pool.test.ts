import { describe, expect, it } from "vitest";
import { candidateSubnets, DEFAULT_ADDRESS_POOL, parseAddressPool, subnetAt } from "./address-pool.js";

describe("the address pool of sandbox networks", () => {
  it("cuts the default range into 4096 subnets of 16 addresses", () => {
    const pool = parseAddressPool(DEFAULT_ADDRESS_POOL);
    expect(pool.count).toBe(4096);
    expect(subnetAt(pool, 0)).toEqual({
      subnet: "10.213.0.0/28",
      gateway: "10.213.0.1",
      proxy: "10.213.0.2",
      sandbox: "10.213.0.3",
    });
    expect(subnetAt(pool, 17)).toEqual({
      subnet: "10.213.1.16/28",
      gateway: "10.213.1.17",
      proxy: "10.213.1.18",
      sandbox: "10.213.1.19",
    });
    expect(subnetAt(pool, 4095).subnet).toBe("10.213.255.240/28");
  });

  it("offers every free subnet once, from a random start, skipping those taken", () => {
    const pool = parseAddressPool({ base: "192.168.100.0/26", size: 28 });
    const taken = new Set(["192.168.100.16/28"]);
    const offered = [...candidateSubnets(pool, taken, () => 0.6)].map((subnet) => subnet.subnet);
    expect(offered).toEqual(["192.168.100.32/28", "192.168.100.48/28", "192.168.100.0/28"]);
  });

  it.each([
    [{ base: "10.213.0.0", size: 28 }, "not an IPv4 range in CIDR notation"],
    [{ base: "10.213.0.300/16", size: 28 }, "not an IPv4 address"],
    [{ base: "10.213.0.0/16", size: 30 }, "size must be an integer between the base's prefix (16) and 29"],
    [{ base: "10.213.0.0/16", size: 12 }, "size must be an integer"],
    [{ base: "10.213.1.0/16", size: 28 }, "not aligned to a /16"],
  ])("refuses %j in one line that says why", (pool, why) => {
    expect(() => parseAddressPool(pool)).toThrow(why);
  });
});
