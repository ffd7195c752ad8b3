import type { RequestHandler } from "express";
import { ArmError, badRequest } from "./errors.ts";

/** The api-versions the installed SDKs send (an SDK upgrade that changes them fails the emulator's tests). */
export const NETWORK_API_VERSIONS = ["2026-01-01"] as const;
export const COMPUTE_API_VERSIONS = ["2026-04-01"] as const;
export const SUBSCRIPTIONS_API_VERSIONS = ["2022-12-01"] as const;

export const NETWORK_API_VERSION = NETWORK_API_VERSIONS[0];

function apiVersionOf(originalUrl: string): string | null {
  return new URL(originalUrl, "https://emulator.invalid").searchParams.get("api-version");
}

/** Every ARM request carries `api-version`; ARM answers 400 MissingApiVersionParameter otherwise. */
export const requireApiVersionParameter: RequestHandler = (req, _res, next) => {
  if (!apiVersionOf(req.originalUrl)) {
    throw badRequest("MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
  }
  next();
};

/** Restricts a route to the api-versions the emulator models for that resource type. */
export function apiVersions(resourceType: string, supported: readonly string[]): RequestHandler {
  return (req, _res, next) => {
    const version = apiVersionOf(req.originalUrl) ?? "";
    if (!supported.includes(version)) {
      const list = supported.join(", ");
      throw resourceType === "subscriptions"
        ? badRequest("InvalidApiVersionParameter", `The api-version '${version}' is invalid. The supported versions are '${list}'.`)
        : new ArmError(
            400,
            "NoRegisteredProviderFound",
            `No registered resource provider found for API version '${version}' and type '${resourceType}'. The supported api-versions are '${list}'.`,
          );
    }
    next();
  };
}
