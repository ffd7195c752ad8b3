import { afterEach, describe, expect, it } from "vitest";
import { testPostgresUrl } from "../../test-support/db-engines.ts";
import { createNsgLockManager, LockTimeoutError, type NsgLockManager } from "./nsg-locks.ts";

const nsgA = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg-a";
const nsgB = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg-b";
const vm1 = `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-${Date.now()}-1`;
const vm2 = `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-${Date.now()}-2`;
// Unique per run: advisory locks are database-wide, and other test files may lock the demo NSGs.
const unique = (id: string) => `${id}-${process.pid}-${Date.now()}`;

const managers: NsgLockManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()));
});

function track(manager: NsgLockManager): NsgLockManager {
  managers.push(manager);
  return manager;
}

/** Two managers sharing PostgreSQL stand for two BFF replicas; one manager twice stands for one process. */
describe.each([
  ["one process", () => { const m = track(createNsgLockManager()); return [m, m] as const; }],
  ["two replicas on PostgreSQL", () => [track(createNsgLockManager({ postgresUrl: testPostgresUrl })), track(createNsgLockManager({ postgresUrl: testPostgresUrl }))] as const],
])("locks across %s", (_name, managersFor) => {
  it("when a VM is claimed, a second claim of it fails at once and names it, and other VMs stay free", async () => {
    const [one, two] = managersFor();
    const first = await one.open();
    const second = await two.open();
    try {
      expect(await first.tryClaimVms([vm1])).toEqual([]);
      expect(await second.tryClaimVms([vm2, vm1.toUpperCase()])).toEqual([vm1.toLowerCase()]);
      // The failed claim took nothing: vm2 is still free.
      const third = await two.open();
      expect(await third.tryClaimVms([vm2])).toEqual([]);
      await third.release();
      await first.release();
      expect(await second.tryClaimVms([vm1])).toEqual([]);
    } finally {
      await first.release();
      await second.release();
    }
  });

  it("when an NSG is locked, a second locker waits until it is released", async () => {
    const [one, two] = managersFor();
    const a = unique(nsgA);
    const b = unique(nsgB);
    const first = await one.open();
    const second = await two.open();
    try {
      await first.lockNsgs([b, a], Date.now() + 5_000);
      const order: string[] = [];
      const waiting = second.lockNsgs([a], Date.now() + 5_000).then(() => order.push("second locked"));
      await new Promise((resolve) => setTimeout(resolve, 150));
      order.push("first releases");
      await first.releaseNsgs();
      await waiting;
      expect(order).toEqual(["first releases", "second locked"]);
    } finally {
      await first.release();
      await second.release();
    }
  });

  it("when the NSG stays locked past the deadline, the waiter gets LockTimeoutError and holds nothing", async () => {
    const [one, two] = managersFor();
    const a = unique(nsgA);
    const b = unique(nsgB);
    const first = await one.open();
    const second = await two.open();
    try {
      await first.lockNsgs([b], Date.now() + 5_000);
      await expect(second.lockNsgs([a, b], Date.now() + 200)).rejects.toBeInstanceOf(LockTimeoutError);
      // `a` was let go when the wait for `b` failed.
      const third = await one.open();
      await third.lockNsgs([a], Date.now() + 1_000);
      await third.release();
    } finally {
      await first.release();
      await second.release();
    }
  });
});

describe("a slow NSG on PostgreSQL", () => {
  it("operations queued behind it in one process hold no lock connection, so another NSG's operation is not starved", async () => {
    const manager = track(createNsgLockManager({ postgresUrl: testPostgresUrl, maxSessions: 2 }));
    const slow = unique(nsgA);
    const holder = await manager.open();
    await holder.lockNsgs([slow], Date.now() + 5_000);
    // Five more operations wait for the slow NSG: with a pool of two connections, each waiting one used to hold one.
    const waiting = Array.from({ length: 5 }, async () => {
      const session = await manager.open();
      await session.lockNsgs([slow], Date.now() + 20_000);
      await session.release();
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const other = await manager.open();
    await other.lockNsgs([unique(nsgB)], Date.now() + 3_000);
    await other.release();
    await holder.release();
    await Promise.all(waiting);
  });
});
