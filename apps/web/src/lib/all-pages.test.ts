import { describe, expect, it } from "vitest";
import { getAllPages, type ListPage } from "./all-pages.ts";
import { createApiClient, type ResponseSchema } from "./api-client.ts";

/** The lists' own schemas are tested with their endpoints; here any page passes. */
const PageSchema: ResponseSchema<ListPage<{ id: string }>> = { safeParse: (data) => ({ success: true, data: data as ListPage<{ id: string }> }) };

function server(pages: Array<{ items: Array<{ id: string }>; nextCursor: string | null }>) {
  const urls: string[] = [];
  const client = createApiClient({
    fetch: async (url) => {
      const page = pages[urls.length];
      urls.push(url);
      return new Response(JSON.stringify(page), { status: page === undefined ? 500 : 200 });
    },
  });
  return { client, urls };
}

describe("reading every page of a list", () => {
  it("when the server says there is more, then it follows nextCursor to the last page and keeps every item in order", async () => {
    const { client, urls } = server([
      { items: [{ id: "a" }, { id: "b" }], nextCursor: "c+1/=" },
      { items: [{ id: "c" }], nextCursor: "c2" },
      { items: [], nextCursor: null },
    ]);
    await expect(getAllPages(client, "/grants?scope=all", PageSchema)).resolves.toEqual({ items: [{ id: "a" }, { id: "b" }, { id: "c" }] });
    expect(urls).toEqual(["/api/grants?scope=all&pageSize=500", "/api/grants?scope=all&pageSize=500&cursor=c%2B1%2F%3D", "/api/grants?scope=all&pageSize=500&cursor=c2"]);
  });

  it("when the server hands back a cursor it already sent, then it stops with an error instead of reading forever", async () => {
    const { client, urls } = server([
      { items: [{ id: "a" }], nextCursor: "x" },
      { items: [{ id: "a" }], nextCursor: "x" },
    ]);
    await expect(getAllPages(client, "/access-requests?scope=mine", PageSchema)).rejects.toMatchObject({ code: "UnexpectedResponse", message: expect.stringMatching(/same page/) });
    expect(urls).toHaveLength(2);
  });
});
