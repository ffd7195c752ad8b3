import { QueryClient } from "@tanstack/react-query";
import { isTransientApiError } from "../lib/api-error.ts";

/**
 * One quick retry for failures that may pass (no answer, 5xx); none for 4xx, which would
 * only delay the error banner. The BFF caches the inventory, so focus refetches add nothing.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        retry: (failureCount, error) => isTransientApiError(error) && failureCount < 1,
      },
      mutations: { retry: false },
    },
  });
}
