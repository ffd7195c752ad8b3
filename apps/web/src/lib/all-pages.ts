import { maxListPageSize } from "@portcullis/contract";
import type { ApiClient, RequestOptions, ResponseSchema } from "./api-client.ts";
import { ApiError, clientErrorCode } from "./api-error.ts";

/** One page of a keyset-paged list, as the API sends it. */
export type ListPage<T> = { items: T[]; nextCursor: string | null };

/**
 * Every item of a keyset-paged list (grants, access requests): reads `path` in the largest pages the API gives and
 * follows `nextCursor` to the last page. The portal's lists are bounded by status and time (open grants, the last
 * week's or month's), so reading them whole keeps their screens and polling as they were, now complete.
 */
export async function getAllPages<T>(client: ApiClient, path: string, schema: ResponseSchema<ListPage<T>>, options?: RequestOptions): Promise<{ items: T[] }> {
  const items: T[] = [];
  const cursors = new Set<string>();
  let cursor: string | null = null;
  for (;;) {
    const params = new URLSearchParams({ pageSize: String(maxListPageSize) });
    if (cursor !== null) params.set("cursor", cursor);
    const page: ListPage<T> = await client.get(`${path}${path.includes("?") ? "&" : "?"}${params.toString()}`, schema, options);
    items.push(...page.items);
    if (page.nextCursor === null) return { items };
    // A cursor seen before would read the same pages forever.
    if (cursors.has(page.nextCursor)) {
      throw new ApiError({ status: 200, code: clientErrorCode.unexpectedResponse, message: `The server sent the same page of ${path} twice, so the list could not be read to its end.` });
    }
    cursors.add(page.nextCursor);
    cursor = page.nextCursor;
  }
}
