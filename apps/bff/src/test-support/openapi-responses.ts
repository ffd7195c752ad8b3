import { buildOpenApiDocument } from "@portcullis/contract";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import type { Response } from "supertest";
import { expect } from "vitest";

/**
 * Checks answers of the in-process BFF against the OpenAPI document it serves: the status must be documented for
 * the route, and a JSON body must match the schema documented for that status (error bodies included).
 */
const document = buildOpenApiDocument({
  version: "test",
  serverUrl: "/",
  oauth: { authorizationUrl: "https://issuer.test/authorize", tokenUrl: "https://issuer.test/token", userScope: "api://portcullis/access_as_user", appScope: "api://portcullis/.default" },
}) as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>> };

// The document is one schema resource; each response schema is a $ref into it. Formats are not asserted (no format plugin).
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false, logger: false });
ajv.addSchema(document, "openapi.json");
const validators = new Map<string, ValidateFunction>();

const templates = Object.keys(document.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/[.]/g, "\\.").replace(/\{\w+\}/g, "[^/]+")}$`),
}));

function templateOf(path: string): string | undefined {
  // A literal path wins over a template (/api/policies/vm before a hypothetical /api/policies/{id}).
  return templates.find((t) => t.template === path)?.template ?? templates.find((t) => t.pattern.test(path))?.template;
}

/** Asserts that `res` (a supertest answer) is what the document promises for its route and status; returns it. */
export function expectDocumented<R extends Response>(res: R): R {
  const request = (res as unknown as { req: { method: string; path: string } }).req;
  const path = new URL(request.path, "http://bff.test").pathname;
  const method = request.method.toLowerCase();
  const template = templateOf(path);
  expect(template, `${method.toUpperCase()} ${path} is not in the OpenAPI document`).toBeDefined();
  const operation = document.paths[template ?? ""]?.[method];
  expect(operation, `${method.toUpperCase()} ${template} is not in the OpenAPI document`).toBeDefined();
  const responses = operation?.responses ?? {};
  const key = String(res.status) in responses ? String(res.status) : "default";
  expect(res.status < 400 ? String(res.status) in responses : true, `${method.toUpperCase()} ${template} does not document status ${res.status}`).toBe(true);
  const schema = responses[key]?.content?.["application/json"]?.schema as { $ref?: string } | undefined;
  if (schema?.$ref === undefined) return res;
  const ref = `openapi.json${schema.$ref}`;
  let validate = validators.get(ref);
  if (validate === undefined) {
    validate = ajv.compile({ $ref: ref });
    validators.set(ref, validate);
  }
  const valid = validate(res.body);
  expect(valid, `${method.toUpperCase()} ${template} ${res.status} does not match ${schema.$ref}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  return res;
}
