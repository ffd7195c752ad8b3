import { AuthConfigResponseSchema, type AuthConfigResponse } from "@portcullis/contract";
import type { ApiClient } from "../api-client.ts";

/** The public sign-in settings; read with a client that sends no token, before MSAL exists. */
export async function getAuthConfig(client: ApiClient): Promise<AuthConfigResponse> {
  return client.get("/auth/config", AuthConfigResponseSchema);
}
