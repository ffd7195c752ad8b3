import { X509Certificate, createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { ConfidentialClientApplication, ManagedIdentityApplication, ProtocolMode, type AuthenticationResult } from "@azure/msal-node";
import type { AzureCredentialConfig } from "../config.ts";

/** The BFF's client at the local issuer (local mode), from which it gets its token for the local emulator. */
export interface LocalIssuerClient {
  /** The issuer's https identifier (never fetched: the endpoints come from `metadata`). */
  authority: string;
  metadata: object;
  clientId: string;
  clientSecret: string;
}

function toAccessToken(result: AuthenticationResult | null): AccessToken {
  if (result === null || result.accessToken === "") throw new Error("the identity platform returned no access token");
  const expires = result.expiresOn?.getTime() ?? Date.now() + 5 * 60_000;
  return {
    token: result.accessToken,
    expiresOnTimestamp: expires,
    ...(result.refreshOn === undefined ? {} : { refreshAfterTimestamp: result.refreshOn.getTime() }),
    tokenType: "Bearer",
  };
}

function scopeList(scopes: string | string[]): string[] {
  return Array.isArray(scopes) ? scopes : [scopes];
}

/** A PEM file holding the app's certificate and its (unencrypted) private key, as az cli / azure-identity expect. */
function readCertificateFile(file: string): { thumbprintSha256: string; privateKey: string; x5c: string } {
  const pem = readFileSync(file, "utf8");
  const certificates = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const keyPem = pem.match(/-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----/)?.[0];
  const leaf = certificates[0];
  if (leaf === undefined || keyPem === undefined) {
    throw new Error(`AZURE_CLIENT_CERTIFICATE_PATH ${file} must hold a PEM certificate and its unencrypted private key`);
  }
  return {
    thumbprintSha256: new X509Certificate(leaf).fingerprint256.replaceAll(":", ""),
    // MSAL wants PKCS#8 ("BEGIN PRIVATE KEY"), whatever form the file uses.
    privateKey: createPrivateKey(keyPem).export({ type: "pkcs8", format: "pem" }).toString(),
    // Sending the chain lets Entra ID accept subject-name/issuer certificate credentials.
    x5c: certificates.join("\n"),
  };
}

function confidentialClient(config: Extract<AzureCredentialConfig, { kind: "client-secret" | "client-certificate" }>): TokenCredential {
  const authority = `${config.authorityHost}/${config.tenantId}`;
  const app = new ConfidentialClientApplication({
    auth:
      config.kind === "client-secret"
        ? { clientId: config.clientId, authority, clientSecret: config.clientSecret }
        : { clientId: config.clientId, authority, clientCertificate: readCertificateFile(config.certificatePath) },
  });
  return {
    // MSAL caches client-credential tokens in memory and renews them before they expire.
    getToken: async (scopes) => toAccessToken(await app.acquireTokenByClientCredential({ scopes: scopeList(scopes) })),
  };
}

function managedIdentity(clientId: string | undefined): TokenCredential {
  const app = new ManagedIdentityApplication(
    clientId === undefined ? {} : { managedIdentityIdParams: { userAssignedClientId: clientId } },
  );
  return {
    async getToken(scopes) {
      const scope = scopeList(scopes)[0] ?? "";
      return toAccessToken(await app.acquireToken({ resource: scope.replace(/\/\.default$/, "") }));
    },
  };
}

/**
 * Client credentials at the local issuer, through MSAL as against Entra ID: an https authority string with the
 * real (http, same-origin) endpoints in authorityMetadata, and OIDC protocol mode (ADR 004).
 */
function localIssuerCredential(client: LocalIssuerClient): TokenCredential {
  const app = new ConfidentialClientApplication({
    auth: {
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      authority: client.authority,
      knownAuthorities: [new URL(client.authority).host],
      authorityMetadata: JSON.stringify(client.metadata),
    },
    system: { protocolMode: ProtocolMode.OIDC },
  });
  return {
    getToken: async (scopes) => toAccessToken(await app.acquireTokenByClientCredential({ scopes: scopeList(scopes) })),
  };
}

/** The credential the ARM clients use, built on @azure/msal-node. The local emulator needs the local issuer's client. */
export function createArmCredential(config: AzureCredentialConfig, localIssuer?: LocalIssuerClient | null): TokenCredential {
  switch (config.kind) {
    case "client-secret":
    case "client-certificate":
      return confidentialClient(config);
    case "managed-identity":
      return managedIdentity(config.clientId);
    case "local-emulator":
      if (localIssuer === undefined || localIssuer === null) throw new Error("the local emulator's credential needs the local issuer's client");
      return localIssuerCredential(localIssuer);
  }
}
