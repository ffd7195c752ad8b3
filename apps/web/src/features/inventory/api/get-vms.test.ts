import { describe, expect, it } from "vitest";
import type { ListVmsQuery, ListVmsResponse } from "@portcullis/contract";
import { createApiClient } from "../../../lib/api-client.ts";
import { getVms, vmsSearchParams } from "./get-vms.ts";

const query: ListVmsQuery = { tab: "recommended", sort: "name", order: "asc", page: 2, pageSize: 25 };

const emptyPage: ListVmsResponse = {
  items: [],
  page: 2,
  pageSize: 25,
  total: 0,
  counts: { configured: 0, recommended: 0, none: 0 },
  facets: { subscriptions: [], resourceGroups: [] },
  refreshedAt: "2025-01-01T00:00:00.000Z",
};

describe("getVms", () => {
  it("asks for the tab, sort and page, and only the filters that are set", () => {
    const search = vmsSearchParams({ ...query, q: " web ", subscription: "", resourceGroup: "rg-prod" });
    expect(Object.fromEntries(search)).toEqual({
      tab: "recommended",
      sort: "name",
      order: "asc",
      page: "2",
      pageSize: "25",
      q: "web",
      resourceGroup: "rg-prod",
    });
  });

  it("calls GET /api/inventory/vms with that query and returns the validated page", async () => {
    const urls: string[] = [];
    const client = createApiClient({
      fetch: async (url) => {
        urls.push(url);
        return new Response(JSON.stringify(emptyPage), { status: 200 });
      },
    });

    await expect(getVms({ ...query, q: "db" }, { client })).resolves.toEqual(emptyPage);
    expect(urls).toEqual(["/api/inventory/vms?tab=recommended&sort=name&order=asc&page=2&pageSize=25&q=db"]);
  });
});
