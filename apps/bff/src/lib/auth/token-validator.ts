import { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { UpstreamUnavailableError } from "../errors.ts";

/** Why a token was refused; the words go into the 401 body and the WWW-Authenticate header. */
export type TokenProblem =
  | "malformed"
  | "expired"
  | "not yet valid"
  | "wrong audience"
  | "wrong issuer"
  | "bad signature"
  | "unsupported algorithm"
  | "tenant not allowed"
  | "missing scope";

export class TokenRejectedError extends Error {
  readonly problem: TokenProblem;
  constructor(problem: TokenProblem, options?: { cause?: unknown }) {
    super(`the access token was refused: ${problem}`, options);
    this.name = "TokenRejectedError";
    this.problem = problem;
  }
}

/** Asymmetric algorithms only: `none` and the HMAC family (a shared secret anyone with the JWKS could misuse) are refused. */
export const allowedAlgorithms = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

export interface TokenValidatorOptions {
  /** The `iss` a token of tenant `tid` must carry. */
  issuerFor: (tenantId: string) => string;
  /** Accepted `aud` values. */
  audiences: readonly string[];
  /** Accepted `tid` values, lower-case. */
  allowedTenantIds: readonly string[];
  keys: JWTVerifyGetKey;
  /** Delegated scope name `scp` must hold (e.g. access_as_user); null accepts tokens without one (ARM app tokens). */
  requiredScope: string | null;
  /** Where the keys come from, for the 503 when they cannot be fetched. */
  keySource: string;
  clockToleranceSeconds?: number;
  now?: () => Date;
}

export type TokenValidator = (token: string) => Promise<JWTPayload>;

/** Longer than any token Entra ID issues (groups overage keeps them small); parsing stops here. */
const maxTokenLength = 16_384;

function problemOf(error: unknown): TokenProblem | undefined {
  if (error instanceof errors.JWTExpired) return "expired";
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === "missing") return "malformed";
    if (error.claim === "aud") return "wrong audience";
    if (error.claim === "iss") return "wrong issuer";
    if (error.claim === "nbf") return "not yet valid";
    return "malformed";
  }
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) return "bad signature";
  if (error instanceof errors.JWKSMultipleMatchingKeys) return "bad signature";
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return "unsupported algorithm";
  if (error instanceof errors.JWTInvalid || error instanceof errors.JWSInvalid || error instanceof errors.JWKInvalid) return "malformed";
  return undefined;
}

/**
 * Validates an access token: an allowed asymmetric algorithm, the signature against the issuer's keys, `aud`,
 * `exp`/`nbf` (with clock skew), the tenant, the issuer of that tenant, and the delegated scope.
 * Throws TokenRejectedError naming the first problem; key-fetch failures become a 503.
 */
export function createTokenValidator(options: TokenValidatorOptions): TokenValidator {
  const tolerance = options.clockToleranceSeconds ?? 60;
  return async (token) => {
    if (token.length === 0 || token.length > maxTokenLength || token.split(".").length !== 3) throw new TokenRejectedError("malformed");
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch (error) {
      throw new TokenRejectedError("malformed", { cause: error });
    }
    if (typeof alg !== "string" || !allowedAlgorithms.includes(alg)) throw new TokenRejectedError("unsupported algorithm");
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, options.keys, {
        algorithms: allowedAlgorithms,
        audience: [...options.audiences],
        clockTolerance: tolerance,
        requiredClaims: ["exp", "iss", "tid", "oid"],
        ...(options.now === undefined ? {} : { currentDate: options.now() }),
      }));
    } catch (error) {
      const problem = problemOf(error);
      if (problem !== undefined) throw new TokenRejectedError(problem, { cause: error });
      if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || error instanceof TypeError) {
        throw new UpstreamUnavailableError(`Cannot fetch the token signing keys from ${options.keySource}`, { cause: error });
      }
      throw error;
    }
    const tid = typeof payload["tid"] === "string" ? payload["tid"].toLowerCase() : "";
    if (typeof payload["oid"] !== "string" || payload["oid"] === "") throw new TokenRejectedError("malformed");
    if (!options.allowedTenantIds.includes(tid)) throw new TokenRejectedError("tenant not allowed");
    if (payload.iss !== options.issuerFor(tid)) throw new TokenRejectedError("wrong issuer");
    // An app-only token (client credentials: Entra's `idtyp: app`, no `scp`) carries app roles instead of a delegated
    // scope; whether it holds one is decided after validation (403, audited: see authenticate.ts).
    const appOnly = payload["idtyp"] === "app" && payload["scp"] === undefined;
    if (options.requiredScope !== null && !appOnly) {
      const scopes = typeof payload["scp"] === "string" ? payload["scp"].split(" ") : [];
      if (!scopes.includes(options.requiredScope)) throw new TokenRejectedError("missing scope");
    }
    return payload;
  };
}

/**
 * Keys of an in-process issuer, re-read when a token names an unknown `kid` (a rotated key), as
 * createRemoteJWKSet refetches a remote set.
 */
export function refreshingLocalJwks(load: () => Promise<JSONWebKeySet>): JWTVerifyGetKey {
  let current: Promise<JWTVerifyGetKey> | undefined;
  const reload = () => {
    const next = load().then((jwks) => createLocalJWKSet(jwks) as JWTVerifyGetKey);
    next.catch(() => {
      if (current === next) current = undefined;
    });
    current = next;
    return next;
  };
  return async (header, token) => {
    try {
      return await (await (current ?? reload()))(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      return (await reload())(header, token);
    }
  };
}
