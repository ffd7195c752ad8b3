import { describe, expect, it } from "vitest";
import { createMemoryStore } from "./memory-adapter.ts";

function clockAt(start: number) {
  const clock = { now: start };
  return { clock, now: () => clock.now };
}

describe("the per-issuer memory store", () => {
  it("when a grant is revoked for one model, then only that model's entries of the grant go", async () => {
    const store = createMemoryStore();
    const tokens = store.factory("RefreshToken");
    const interactions = store.factory("Interaction");
    await tokens.upsert("rt-1", { grantId: "g-1" }, 60);
    await interactions.upsert("i-1", { grantId: "g-1" }, 60);
    await tokens.revokeByGrantId("g-1");
    expect(await tokens.find("rt-1")).toBeUndefined();
    expect(await interactions.find("i-1")).toEqual({ grantId: "g-1" });
  });

  it("when an entry's lifetime has passed, then it can no longer be found", async () => {
    const { clock, now } = clockAt(1_000_000);
    const sessions = createMemoryStore(now).factory("Session");
    await sessions.upsert("s-1", { uid: "u-1", accountId: "a" }, 10);
    expect(await sessions.findByUid("u-1")).toMatchObject({ accountId: "a" });
    clock.now += 10_000;
    expect(await sessions.find("s-1")).toBeUndefined();
    expect(await sessions.findByUid("u-1")).toBeUndefined();
  });

  it("marks consumed entries and keeps stored payloads apart from the caller's objects", async () => {
    const codes = createMemoryStore().factory("AuthorizationCode");
    const payload = { accountId: "a" };
    await codes.upsert("c-1", payload, 60);
    payload.accountId = "changed";
    await codes.consume("c-1");
    expect(await codes.find("c-1")).toMatchObject({ accountId: "a", consumed: expect.any(Number) });
  });

  it("when two stores exist, then they do not share entries, and clear empties one", async () => {
    const first = createMemoryStore();
    const second = createMemoryStore();
    await first.factory("Grant").upsert("g-1", { accountId: "a" }, 60);
    expect(await second.factory("Grant").find("g-1")).toBeUndefined();
    first.clear();
    expect(await first.factory("Grant").find("g-1")).toBeUndefined();
  });
});
