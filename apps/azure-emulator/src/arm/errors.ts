import type { ErrorRequestHandler } from "express";
import type { EmulatorLogger } from "../types.ts";

export interface ArmErrorDetail {
  code: string;
  message: string;
  target?: string;
}

/** An error answered with ARM's body `{ error: { code, message, details } }`. */
export class ArmError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ArmErrorDetail[];
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, options: { details?: ArmErrorDetail[]; headers?: Record<string, string> } = {}) {
    super(message);
    this.name = "ArmError";
    this.status = status;
    this.code = code;
    this.details = options.details ?? [];
    this.headers = options.headers ?? {};
  }

  body(): { error: { code: string; message: string; details: ArmErrorDetail[] } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

export const badRequest = (code: string, message: string): ArmError => new ArmError(400, code, message);

export function resourceNotFound(type: string, name: string, resourceGroup: string): ArmError {
  return new ArmError(
    404,
    "ResourceNotFound",
    `The Resource '${type}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

export function parentResourceNotFound(parentName: string): ArmError {
  return new ArmError(
    404,
    "ParentResourceNotFound",
    `Can not perform requested operation on nested resource. Parent resource '${parentName}' not found.`,
  );
}

export function resourceGroupNotFound(resourceGroup: string): ArmError {
  return new ArmError(404, "ResourceGroupNotFound", `Resource group '${resourceGroup}' could not be found.`);
}

export function subscriptionNotFound(subscriptionId: string): ArmError {
  return new ArmError(404, "SubscriptionNotFound", `The subscription '${subscriptionId}' could not be found.`);
}

export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/** ARM's error middleware: ArmError as is, body-parser failures as InvalidRequestContent, anything else 500. */
export function armErrorHandler(logger: EmulatorLogger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let armError: ArmError;
    if (err instanceof ArmError) {
      armError = err;
    } else if (isBodyParserError(err)) {
      armError = badRequest("InvalidRequestContent", `The request content was invalid and could not be deserialized: '${err.message}'.`);
    } else {
      logger.error({ err, method: req.method, path: req.path }, "emulator request failed");
      armError = new ArmError(500, "InternalServerError", "The emulator failed to process the request.");
    }
    res.status(armError.status).set(armError.headers).json(armError.body());
  };
}

function isBodyParserError(err: unknown): err is { type: string; message: string } {
  return typeof err === "object" && err !== null && "type" in err && typeof (err as { type: unknown }).type === "string" && "message" in err;
}
