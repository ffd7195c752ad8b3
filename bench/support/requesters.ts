import { appRoleValues } from "@portcullis/contract";
import { issuerSigningKey, signToken, userClaims } from "@portcullis/bff/testing";
import type { InProcessBff } from "@portcullis/bff/testing";
import type { ApiCaller } from "./jit-stack.ts";

export interface Requester extends ApiCaller {
  oid: string;
}

/** A GUID-shaped object id per requester index, distinct from the demo users' ids. */
function requesterOid(index: number): string {
  return `b3c00000-0000-4000-8000-${String(index + 1).padStart(12, "0")}`;
}

/**
 * `count` distinct users who hold Requester tenant-wide (the `Jit.Requester` app role), each with an access token
 * shaped as the BFF's local issuer issues them and signed with its key. The local issuer only signs its five demo
 * users in; the BFF checks the token (signature, issuer, audience, tenant), not who the user is.
 */
export async function mintRequesters(bff: InProcessBff, count: number): Promise<Requester[]> {
  const issuer = bff.localIssuer?.issuer;
  if (issuer === undefined) throw new Error("the BFF runs no local issuer");
  const { key, kid } = await issuerSigningKey(bff.issuerDataDir);
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const oid = requesterOid(i);
      const username = `requester-${String(i + 1).padStart(2, "0")}@contoso.test`;
      const claims = { ...userClaims(issuer, "reader@contoso.test"), oid, sub: oid, name: `Bench Requester ${i + 1}`, preferred_username: username, roles: [appRoleValues.Requester] };
      return { oid, url: bff.url, token: await signToken(claims, key, { alg: "RS256", kid }) };
    }),
  );
}
