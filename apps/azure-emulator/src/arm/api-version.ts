import type { RequestHandler } from "express";
import { ArmError, badRequest } from "./errors.ts";

/**
 * The api-versions each provider serves here: the ones the installed @azure/arm-* SDKs send (first), Azure's
 * published examples (2024-07-01), the Python SDK's defaults (azure-mgmt-network 2022-07-01, azure-mgmt-compute
 * 2022-08-01) and `az` (subscriptions 2019-11-01). Azure serves many more; an SDK upgrade to a version not listed
 * fails the emulator's tests instead of passing silently. The answers are the same for every listed version.
 */
export const NETWORK_API_VERSIONS = ["2026-01-01", "2024-07-01", "2024-05-01", "2023-09-01", "2023-05-01", "2022-07-01"] as const;
export const COMPUTE_API_VERSIONS = ["2026-04-01", "2024-11-01", "2024-07-01", "2024-03-01", "2023-09-01", "2022-08-01"] as const;
export const SUBSCRIPTIONS_API_VERSIONS = ["2022-12-01", "2021-01-01", "2020-01-01", "2019-11-01", "2016-06-01"] as const;

export const NETWORK_API_VERSION = NETWORK_API_VERSIONS[0];

export function apiVersionOf(originalUrl: string): string | null {
  return new URL(originalUrl, "https://emulator.invalid").searchParams.get("api-version");
}

/** Every ARM request carries `api-version`; ARM answers 400 MissingApiVersionParameter otherwise. */
export const requireApiVersionParameter: RequestHandler = (req, _res, next) => {
  if (!apiVersionOf(req.originalUrl)) {
    throw badRequest("MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
  }
  next();
};

/**
 * Restricts a route to the api-versions the emulator serves for that resource type, with ARM's errors: the
 * subscriptions API answers InvalidApiVersionParameter, resource providers NoRegisteredProviderFound; both list
 * the supported versions.
 */
export function apiVersions(resourceType: string, supported: readonly string[]): RequestHandler {
  return (req, _res, next) => {
    const version = apiVersionOf(req.originalUrl) ?? "";
    if (!supported.includes(version)) {
      throw resourceType === "subscriptions"
        ? badRequest("InvalidApiVersionParameter", `The api-version '${version}' is invalid. The supported versions are '${supported.join(",")}'.`)
        : new ArmError(
            400,
            "NoRegisteredProviderFound",
            `No registered resource provider found for API version '${version}' and type '${resourceType}'. The supported api-versions are '${supported.join(", ")}'.`,
          );
    }
    next();
  };
}
