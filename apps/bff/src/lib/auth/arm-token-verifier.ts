import type { JSONWebKeySet } from "jose";
import { localTenantId } from "../config-auth.ts";
import type { LocalIssuerInfo } from "./local-sign-in.ts";
import { createTokenValidator, refreshingLocalJwks, TokenRejectedError, type TokenValidator } from "./token-validator.ts";

/**
 * The local Azure emulator's token check, as ARM checks tokens: signed by the local issuer, for the emulator
 * (audience), not expired. The issuer runs inside the BFF, which starts after the emulator, so the issuer is
 * bound late; until then every token is refused.
 */
export interface LocalArmTokenVerifier {
  /** For `startEmulator({ verifyToken })`: true, or why the token is refused (ARM's 401 message). */
  verify(token: string): Promise<true | string>;
  /** Starts accepting tokens from `issuer` whose audience is `audience` (the emulator's URL). */
  bind(issuer: LocalIssuerInfo, audience: string): void;
}

export function createLocalArmTokenVerifier(): LocalArmTokenVerifier {
  let validate: TokenValidator | undefined;
  return {
    async verify(token) {
      if (validate === undefined) return "The access token is invalid: the local issuer is not running yet.";
      try {
        await validate(token);
        return true;
      } catch (error) {
        if (error instanceof TokenRejectedError) return `The access token is invalid: ${error.problem}.`;
        return "The access token could not be validated.";
      }
    },
    bind(issuer, audience) {
      const bare = audience.replace(/\/+$/, "");
      validate = createTokenValidator({
        issuerFor: () => issuer.issuer,
        // ARM accepts its resource with or without the trailing slash.
        audiences: [bare, `${bare}/`],
        allowedTenantIds: [localTenantId],
        keys: refreshingLocalJwks(async () => (await issuer.jwks()) as JSONWebKeySet),
        requiredScope: null,
        keySource: "the local issuer",
      });
    },
  };
}
