import type { RequestHandler } from "express";
import type { TokenVerdict } from "../types.ts";
import { ArmError } from "./errors.ts";

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Any bearer token is accepted unless a verifier is plugged in (EmulatorOptions.verifyToken). */
export const acceptAnyToken = async (token: string): Promise<TokenVerdict> => token.length > 0;

/** ARM's 401s: a missing or malformed Authorization header, or a token the verifier rejects. Tokens are never logged. */
export function requireBearerToken(verify: (token: string) => Promise<TokenVerdict>): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get("authorization");
    if (!header) {
      throw new ArmError(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.", {
        headers: { "WWW-Authenticate": 'Bearer error="invalid_token", error_description="The authentication failed because of missing \'Authorization\' header."' },
      });
    }
    const token = BEARER.exec(header)?.[1];
    if (!token) {
      throw new ArmError(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is provided in an invalid format.");
    }
    const verdict = await verify(token);
    if (verdict !== true) {
      throw new ArmError(401, "InvalidAuthenticationToken", typeof verdict === "string" && verdict.length > 0 ? verdict : "The access token is invalid.", {
        headers: { "WWW-Authenticate": 'Bearer error="invalid_token", error_description="The access token is invalid."' },
      });
    }
    next();
  };
}
