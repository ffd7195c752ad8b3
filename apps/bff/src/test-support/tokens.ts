import { readFile } from "node:fs/promises";
import path from "node:path";
import { demoUsers } from "@portcullis/local-issuer";
import { generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload } from "jose";
import { localApiAudience, localSpaClientId, localTenantId } from "../lib/config-auth.ts";

type KeyLike = Awaited<ReturnType<typeof importJWK>>;

/** The local issuer's real signing key, read from its data directory, to mint tokens with exactly one defect. */
export async function issuerSigningKey(issuerDataDir: string): Promise<{ key: KeyLike; kid: string }> {
  const file = JSON.parse(await readFile(path.join(issuerDataDir, "local-issuer", "signing-key.json"), "utf8")) as { keys: JWK[] };
  const jwk = file.keys[0];
  if (jwk?.kid === undefined) throw new Error("the issuer has no signing key");
  return { key: await importJWK(jwk, "RS256"), kid: jwk.kid };
}

/** Claims of a local-issuer access token for the demo user (as the issuer shapes them: Entra ID v2). */
export function userClaims(issuer: string, username: string, nowSeconds = Math.floor(Date.now() / 1000)): JWTPayload {
  const user = demoUsers.find((u) => u.username === username);
  if (user === undefined) throw new Error(`no demo user ${username}`);
  return {
    iss: issuer,
    aud: localApiAudience,
    sub: user.oid,
    oid: user.oid,
    tid: localTenantId,
    azp: localSpaClientId,
    scp: "access_as_user",
    name: user.name,
    preferred_username: user.username,
    ver: "2.0",
    ...(user.roles.length > 0 ? { roles: user.roles } : {}),
    ...(user.groups.length > 0 ? { groups: user.groups } : {}),
    iat: nowSeconds,
    nbf: nowSeconds,
    exp: nowSeconds + 3600,
  };
}

export async function signToken(payload: JWTPayload, key: KeyLike, header: { alg: string; kid?: string }): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ typ: "JWT", ...header }).sign(key);
}

/** A token whose payload was edited after signing (the signature no longer matches). */
export function tamper(token: string, edit: (payload: Record<string, unknown>) => void): string {
  const [header, payload, signature] = token.split(".");
  const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
  edit(claims);
  return [header, Buffer.from(JSON.stringify(claims)).toString("base64url"), signature].join(".");
}

/** A token with `alg: none` (no signature at all). */
export function unsignedToken(payload: JWTPayload): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${encode({ alg: "none", typ: "JWT" })}.${encode(payload)}.`;
}

export async function otherRsaKey(): Promise<KeyLike> {
  return (await generateKeyPair("RS256")).privateKey;
}
