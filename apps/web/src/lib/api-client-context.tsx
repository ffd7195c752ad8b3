import { createContext, useContext, type ReactNode } from "react";
import type { ApiClient } from "./api-client.ts";

const ApiClientContext = createContext<ApiClient | undefined>(undefined);

/** Provides the app's one API client (created at start with the signed-in user's token provider). */
export function ApiClientProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  return <ApiClientContext value={client}>{children}</ApiClientContext>;
}

export function useApiClient(): ApiClient {
  const client = useContext(ApiClientContext);
  if (!client) throw new Error("useApiClient must be used inside <ApiClientProvider>.");
  return client;
}
