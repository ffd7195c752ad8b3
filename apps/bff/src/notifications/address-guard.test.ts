import type { LookupAddress } from "node:dns";
import { describe, expect, it } from "vitest";
import { pinnedLookup, vetHost, type AddressPolicy } from "./address-guard.ts";
import { fakeDns } from "../test-support/notifications.ts";

/** What a node client's lookup call gets back. */
function ask(lookup: ReturnType<typeof pinnedLookup>, options: { all?: boolean; family?: number }): Promise<{ error: string | null; answer: string | LookupAddress[]; family?: number | undefined }> {
  return new Promise((resolve) => {
    lookup("rebind.example.test", options, (error, answer, family) => resolve({ error: (error as { code?: string } | null)?.code ?? null, answer, family }));
  });
}

describe("pinnedLookup (the HTTP client's only resolver)", () => {
  const pinned = pinnedLookup([
    { address: "20.50.1.2", family: 4 },
    { address: "2603:1000::1", family: 6 },
  ]);

  it("answers with every checked address when the client asks for all (happy eyeballs)", async () => {
    expect(await ask(pinned, { all: true })).toEqual({ error: null, answer: [{ address: "20.50.1.2", family: 4 }, { address: "2603:1000::1", family: 6 }], family: undefined });
  });

  it.each([
    [{}, "20.50.1.2", 4],
    [{ family: 6 }, "2603:1000::1", 6],
    [{ family: 4 }, "20.50.1.2", 4],
  ])("answers %j with a checked address of that family: %s", async (options, address, family) => {
    expect(await ask(pinned, options)).toEqual({ error: null, answer: address, family });
  });

  it("fails (ENOTFOUND) rather than ask DNS when no checked address has the family asked for", async () => {
    expect((await ask(pinnedLookup([{ address: "20.50.1.2", family: 4 }]), { family: 6 })).error).toBe("ENOTFOUND");
  });
});

describe("vetHost", () => {
  const policy = (answers: Record<string, string[]>, extra: Partial<AddressPolicy> = {}): AddressPolicy => ({ allowHttpLocalhost: false, allowedHosts: new Set(), resolve: fakeDns(answers).resolve, ...extra });

  it("pins every address a public host resolves to, as the resolver spelled it", async () => {
    expect(await vetHost(new URL("https://hooks.example.test/x"), policy({ "hooks.example.test": ["20.50.1.2", "2603:1000::1"] }), 1_000)).toEqual({
      kind: "allowed",
      addresses: [
        { address: "20.50.1.2", family: 4 },
        { address: "2603:1000::1", family: 6 },
      ],
    });
  });

  it("does not ask DNS about an address literal", async () => {
    const dns = fakeDns();
    expect(await vetHost(new URL("https://[2603:1000::1]:8443/x"), { allowHttpLocalhost: false, allowedHosts: new Set(), resolve: dns.resolve }, 1_000)).toEqual({ kind: "allowed", addresses: [{ address: "2603:1000::1", family: 6 }] });
    expect(dns.asked).toEqual([]);
  });

  it("counts a resolver that never answers, or answers nothing, as unresolved", async () => {
    const hanging: AddressPolicy = { allowHttpLocalhost: false, allowedHosts: new Set(), resolve: () => new Promise<string[]>(() => undefined) };
    expect(await vetHost(new URL("https://slow.example.test/"), hanging, 50)).toEqual({ kind: "unresolved" });
    expect(await vetHost(new URL("https://empty.example.test/"), policy({ "empty.example.test": [] }), 1_000)).toEqual({ kind: "unresolved" });
  });

  it("lets localhost be loopback under the localhost switch, and nothing else", async () => {
    const dev = policy({ localhost: ["127.0.0.1", "::1"], "loop.example.test": ["127.0.0.1"] }, { allowHttpLocalhost: true });
    expect(await vetHost(new URL("http://localhost:8081/"), dev, 1_000)).toMatchObject({ kind: "allowed" });
    expect(await vetHost(new URL("https://loop.example.test/"), dev, 1_000)).toEqual({ kind: "refused", addressClass: "loopback" });
    expect(await vetHost(new URL("http://localhost:8081/"), policy({ localhost: ["10.0.0.5"] }, { allowHttpLocalhost: true }), 1_000)).toEqual({ kind: "refused", addressClass: "private (RFC 1918)" });
  });
});
