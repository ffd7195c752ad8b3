import { z } from "zod";
import { apiCatalog, type ApiAccess, type ApiOperation } from "./api-catalog.ts";
import { ErrorBodySchema } from "./errors.ts";

/** Where clients get tokens: the issuer's endpoints (the local issuer, or Entra ID's tenant endpoints). */
export interface OpenApiOAuth {
  authorizationUrl: string;
  tokenUrl: string;
  /** RFC 8628 device authorization endpoint, when the issuer offers the device flow. */
  deviceAuthorizationUrl?: string;
  /** The delegated API scope users' tokens carry, e.g. api://portcullis/access_as_user. */
  userScope: string;
  /** The scope apps ask for with client credentials, e.g. api://portcullis/.default. */
  appScope: string;
}

export interface OpenApiOptions {
  version: string;
  /** The API's origin, e.g. http://localhost:8080. */
  serverUrl: string;
  oauth: OpenApiOAuth;
}

type JsonSchema = Record<string, unknown>;
type JsonObject = Record<string, unknown>;

const errorStatusText: Record<number, string> = {
  400: "Bad input: the message names each field and the rule it broke",
  401: "No valid access token (WWW-Authenticate says why)",
  403: "The caller lacks the permission at the scope (an app-only token without a role is refused too)",
  404: "Unknown id, or one outside the caller's scope",
  409: "Conflict with the current state (a changed NSG, a decided request)",
  429: "Rate limit reached (Retry-After)",
  502: "Azure Resource Manager refused or failed (its code in the message)",
  503: "A dependency is unavailable or the server is starting (Retry-After)",
};

function accessText(access: ApiAccess): string {
  switch (access.kind) {
    case "public":
      return "Public: no token.";
    case "signed-in":
      return "Any signed-in caller; what they may see or change is checked per item.";
    case "permission":
      return `Requires \`${access.permission}\` ${access.scope === "tenant" ? "at tenant scope (/)" : access.scope === "vm" ? "at the VM's scope" : "at some scope (results are limited to the caller's scopes)"}.`;
    case "any-permission":
      return `Requires one of ${access.permissions.map((p) => `\`${p}\``).join(", ")} at some scope.`;
  }
}

function xPermission(access: ApiAccess): JsonObject {
  if (access.kind === "permission") return { "x-permission": access.permission, "x-permission-scope": access.scope };
  if (access.kind === "any-permission") return { "x-permission": [...access.permissions], "x-permission-scope": "some" };
  return { "x-permission": access.kind };
}

/** JSON Schema of a zod schema with the draft/id markers removed (OpenAPI 3.1 schemas are JSON Schema 2020-12). */
function schemaOf(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const out = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  delete out["$schema"];
  return out;
}

function componentsOf(operations: readonly ApiOperation[]): { schemas: Record<string, JsonSchema> } {
  const requests = z.registry<{ id: string }>();
  const responses = z.registry<{ id: string }>();
  responses.add(ErrorBodySchema, { id: "ErrorBody" });
  const seen = new Map<string, z.ZodType>();
  const add = (registry: typeof requests, name: string, schema: z.ZodType) => {
    const earlier = seen.get(name);
    if (earlier === schema) return;
    if (earlier !== undefined) throw new Error(`two schemas are named ${name}`);
    seen.set(name, schema);
    registry.add(schema, { id: name });
  };
  for (const op of operations) {
    if (op.body !== undefined) add(requests, op.body.name, op.body.schema);
    for (const response of Object.values(op.responses)) if (response.body !== undefined) add(responses, response.body.name, response.body.schema);
  }
  const uri = (id: string) => `#/components/schemas/${id}`;
  const schemas: Record<string, JsonSchema> = {
    ...(z.toJSONSchema(requests, { io: "input", unrepresentable: "any", uri }).schemas as Record<string, JsonSchema>),
    ...(z.toJSONSchema(responses, { io: "output", unrepresentable: "any", uri }).schemas as Record<string, JsonSchema>),
  };
  for (const schema of Object.values(schemas)) {
    delete schema["$schema"];
    delete schema["$id"];
  }
  return { schemas };
}

function parametersOf(op: ApiOperation): JsonObject[] {
  const list: JsonObject[] = [];
  const add = (where: "path" | "query", object: z.ZodObject | undefined) => {
    if (object === undefined) return;
    const schema = schemaOf(object, "input");
    const properties = (schema["properties"] ?? {}) as Record<string, JsonSchema>;
    const required = new Set((schema["required"] ?? []) as string[]);
    for (const [name, property] of Object.entries(properties)) {
      const { description, ...rest } = property;
      list.push({ name, in: where, required: where === "path" || required.has(name), schema: rest, ...(typeof description === "string" ? { description } : {}) });
    }
  };
  add("path", op.params);
  add("query", op.query);
  return list;
}

const errorResponse = (status: number): JsonObject => ({
  description: errorStatusText[status] ?? "Error",
  content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorBody" } } },
});

function responsesOf(op: ApiOperation): JsonObject {
  const out: JsonObject = {};
  for (const [status, response] of Object.entries(op.responses)) {
    const content =
      response.body !== undefined
        ? { "application/json": { schema: { $ref: `#/components/schemas/${response.body.name}` } } }
        : response.contentType !== undefined
          ? { [response.contentType]: {} }
          : undefined;
    out[status] = { description: response.description, ...(content === undefined ? {} : { content }) };
  }
  const errors = new Set<number>(op.errors ?? []);
  if (op.params !== undefined || op.query !== undefined || op.body !== undefined) errors.add(400);
  if (op.access.kind !== "public") {
    errors.add(401);
    errors.add(403);
    errors.add(429);
  }
  if (op.params !== undefined) errors.add(404);
  for (const status of [...errors].sort()) out[String(status)] = errorResponse(status);
  out["default"] = { description: "Any other error (the same error body)", content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorBody" } } } };
  return out;
}

/** The OpenAPI 3.1 document of the API, generated from the catalog and the contract's zod schemas. */
export function buildOpenApiDocument(options: OpenApiOptions, operations: readonly ApiOperation[] = apiCatalog): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const op of operations) {
    const security = op.access.kind === "public" ? [] : [{ oauth2: [options.oauth.userScope] }, { oauth2App: [options.oauth.appScope] }];
    (paths[op.path] ??= {})[op.method] = {
      operationId: op.operationId,
      tags: [op.tag],
      summary: op.summary,
      description: [op.description, accessText(op.access)].filter(Boolean).join("\n\n"),
      ...xPermission(op.access),
      security,
      parameters: parametersOf(op),
      ...(op.body === undefined ? {} : { requestBody: { required: true, content: { "application/json": { schema: { $ref: `#/components/schemas/${op.body.name}` } } } } }),
      responses: responsesOf(op),
    };
  }
  const { oauth } = options;
  return {
    openapi: "3.1.0",
    info: {
      title: "Portcullis API",
      version: options.version,
      description:
        "Just-in-time access to Azure VMs. Every route except the public ones needs `Authorization: Bearer <access token>` from the issuer below: " +
        "a user's delegated token (authorization code with PKCE, or the device flow" +
        (oauth.deviceAuthorizationUrl === undefined ? "" : ` at ${oauth.deviceAuthorizationUrl}`) +
        "), or an app-only token (client credentials) carrying an app role (`Jit.Requester`, `Jit.Auditor`, ...). " +
        "Errors always have the body `{ error: { code, message, details? } }`. `x-permission` on each operation names the permission it checks.",
    },
    servers: [{ url: options.serverUrl }],
    tags: [...new Set(operations.map((op) => op.tag))].map((name) => ({ name })),
    paths,
    components: {
      ...componentsOf(operations),
      securitySchemes: {
        oauth2: {
          type: "oauth2",
          description: "Users: authorization code with PKCE (browser) or the device flow (`portcullis login --device-code`).",
          flows: { authorizationCode: { authorizationUrl: oauth.authorizationUrl, tokenUrl: oauth.tokenUrl, scopes: { [oauth.userScope]: "Act as the signed-in user" } } },
        },
        oauth2App: {
          type: "oauth2",
          description: "Automation: an app-only token (client credentials) with an app role; refused (403) without one.",
          flows: { clientCredentials: { tokenUrl: oauth.tokenUrl, scopes: { [oauth.appScope]: "The app roles granted to the application" } } },
        },
      },
    },
  };
}
