import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { createLocalIssuer, type IssuerMetadata, type LocalIssuer, type PublicJwks } from "@portcullis/local-issuer";
import { localApiAudience, localApiScope, localAutomationClient, localBffClientId, localCliClientId, localSpaClientId, localTenantId } from "../config-auth.ts";
import { ensurePrivateDir, privateFileMode } from "../private-files.ts";

/** What others need of the running local issuer: its identifier, endpoints and public keys. */
export interface LocalIssuerInfo {
  /** The `iss` of its tokens and the MSAL authority, e.g. https://localhost:8080/oidc. */
  issuer: string;
  metadata: IssuerMetadata;
  jwks(): Promise<PublicJwks>;
}

/** The BFF's own client at the local issuer, for its ARM token (client credentials). */
export interface LocalServiceClient {
  authority: string;
  metadata: IssuerMetadata;
  clientId: string;
  clientSecret: string;
}

export interface LocalSignIn {
  info: LocalIssuerInfo;
  /** Mount at /oidc before any body parser. */
  handler: LocalIssuer["handler"];
  /** Set when ARM is the local emulator: the BFF asks the issuer for tokens with aud = the emulator URL. */
  armClient: LocalServiceClient | null;
  close(): Promise<void>;
}

export interface LocalSignInOptions {
  /** Origin of the portal, e.g. http://localhost:8080. */
  publicUrl: string;
  /** Keys live in `<dataDir>/local-issuer/`; null keeps them in memory. */
  dataDir: string | null;
  /** The ARM endpoint when it is the local emulator; null when ARM is real Azure. */
  armAudience: string | null;
}

/**
 * The BFF's own client secret at the local issuer (its token for the emulator). Kept next to the issuer's keys
 * (0600), so replicas that share those keys (two BFFs behind one proxy) share it too; in memory without a data dir.
 */
async function bffClientSecret(dataDir: string | null): Promise<string> {
  const fresh = randomBytes(32).toString("base64url");
  if (dataDir === null) return fresh;
  const dir = path.join(dataDir, "local-issuer");
  await ensurePrivateDir(dir);
  const file = path.join(dir, "bff-client-secret");
  try {
    await writeFile(file, fresh, { flag: "wx", mode: privateFileMode });
    return fresh;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return (await readFile(file, "utf8")).trim();
  }
}

/** Paths of the SPA the issuer may send the browser back to (after sign-in and sign-out). */
export function spaRedirectUris(publicUrl: string): string[] {
  return [`${publicUrl}/`, `${publicUrl}/auth/callback`];
}

/**
 * Runs the local issuer for the portal at `publicUrl`. Its identifier is the portal's host with https
 * (MSAL refuses http authorities; the identifier is never fetched), its endpoints are served at
 * `<publicUrl>/oidc` on the portal's own origin (ADR 004).
 */
export async function startLocalSignIn(options: LocalSignInOptions): Promise<LocalSignIn> {
  const issuerId = `https://${new URL(options.publicUrl).host}/oidc`;
  const armClient = options.armAudience === null ? null : { clientId: localBffClientId, clientSecret: await bffClientSecret(options.dataDir) };
  const issuer = await createLocalIssuer({
    issuer: issuerId,
    publicBaseUrl: `${options.publicUrl}/oidc`,
    dataDir: options.dataDir,
    spaClient: {
      clientId: localSpaClientId,
      redirectUris: spaRedirectUris(options.publicUrl),
      postLogoutRedirectUris: spaRedirectUris(options.publicUrl),
    },
    nativeClient: { clientId: localCliClientId, name: "Portcullis CLI" },
    apiAudience: localApiAudience,
    apiScope: localApiScope,
    serviceClients: [
      ...(armClient === null || options.armAudience === null ? [] : [{ ...armClient, audiences: [options.armAudience] }]),
      { ...localAutomationClient, roles: [...localAutomationClient.roles], name: "Portcullis demo automation", audiences: [localApiAudience] },
    ],
    tenantId: localTenantId,
  });
  const info: LocalIssuerInfo = { issuer: issuerId, metadata: issuer.metadata, jwks: () => issuer.jwks() };
  return {
    info,
    handler: issuer.handler,
    armClient: armClient === null ? null : { authority: issuerId, metadata: issuer.metadata, ...armClient },
    close: () => issuer.close(),
  };
}
