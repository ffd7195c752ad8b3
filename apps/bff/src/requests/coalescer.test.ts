import { describe, expect, it } from "vitest";
import { createCoalescer } from "./coalescer.ts";

interface Item {
  name: string;
  keys: string[];
}

function recorder(delayMs = 20) {
  const batches: string[][] = [];
  const coalescer = createCoalescer<Item, string>({
    windowMs: 5,
    keysOf: (item) => item.keys,
    async run(items) {
      batches.push(items.map((i) => i.name));
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return items.map((i) => `done ${i.name}`);
    },
  });
  return { batches, submit: (name: string, ...keys: string[]) => coalescer.submit({ name, keys }) };
}

describe("the per-NSG coalescer", () => {
  it("puts items that share a key, directly or through another item, into one batch; others run apart", async () => {
    const { batches, submit } = recorder();
    const results = await Promise.all([submit("a", "nsg-1"), submit("b", "nsg-1", "nsg-2"), submit("c", "nsg-2"), submit("d", "nsg-3")]);
    expect(results).toEqual(["done a", "done b", "done c", "done d"]);
    expect(batches).toEqual([["a", "b", "c"], ["d"]]);
  });

  it("what queues behind a running batch on the same key goes together in the next one", async () => {
    const { batches, submit } = recorder(50);
    const first = submit("a", "nsg-1");
    await new Promise((resolve) => setTimeout(resolve, 15));
    await Promise.all([first, submit("b", "nsg-1"), submit("c", "nsg-1"), submit("d", "nsg-9")]);
    expect(batches).toEqual([["a"], ["d"], ["b", "c"]]);
  });

  it("a batch that fails fails each of its items, and the next batch still runs", async () => {
    let calls = 0;
    const coalescer = createCoalescer<Item, string>({
      windowMs: 1,
      keysOf: (item) => item.keys,
      async run(items) {
        calls += 1;
        if (calls === 1) throw new Error("ARM is down");
        return items.map((i) => i.name);
      },
    });
    await expect(coalescer.submit({ name: "a", keys: ["k"] })).rejects.toThrow("ARM is down");
    await expect(coalescer.submit({ name: "b", keys: ["k"] })).resolves.toBe("b");
  });
});
