import { ErrorBodySchema, ErrorDetailsSchema, fieldPathParts } from "@portcullis/contract";
import type { z } from "zod";
import { CliError, ExitCode } from "./errors.ts";

/** Names of request fields as the user typed them (the server names body fields; a field's first name decides). */
const flagOfField: Record<string, string> = {
  durationMinutes: "--for",
  sources: "--source",
  ports: "--port",
  justification: "--reason",
  addMinutes: "--by",
  comment: "--comment",
  vmId: "VM",
};

/** The flag a problem's field came from (`sources.prefixes[1]` is `--source`), read in the contract's one spelling. */
function flagFor(field: string): string {
  const [head] = fieldPathParts(field);
  return (typeof head === "string" ? flagOfField[head] : undefined) ?? field;
}

/** The server's error as one line; a 400's fields (the request's own) named as the CLI's flags. */
function errorLine(status: number, message: string, details: unknown): string {
  const problems = status === 400 ? (ErrorDetailsSchema.safeParse(details).data?.problems ?? []) : [];
  if (problems.length > 0) return problems.map((p) => `${flagFor(p.field)}: ${p.rule}`).join("; ");
  return message.replace(/\s*\n\s*/g, " ");
}

function exitCodeFor(status: number): ExitCode {
  if (status === 401) return ExitCode.notSignedIn;
  if (status === 400 || status === 403 || status === 409) return ExitCode.refused;
  if (status === 404) return ExitCode.notFound;
  return ExitCode.error;
}

export interface ApiResponse<T> {
  status: number;
  body: T;
}

/** The API over fetch: bearer token, contract schemas for every answer, the error body turned into a CliError. */
export class ApiClient {
  readonly #base: string;
  readonly #token: () => Promise<string>;

  constructor(base: string, token: () => Promise<string>) {
    this.#base = base;
    this.#token = token;
  }

  /** A raw answer (for streams); errors are thrown as for JSON calls. */
  async raw(method: string, path: string, body?: unknown): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.#base), {
        method,
        headers: {
          authorization: `Bearer ${await this.#token()}`,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`Cannot reach ${this.#base}: ${error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error)}`);
    }
    if (response.ok) return response;
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const error = ErrorBodySchema.safeParse(parsed);
    if (!error.success) throw new CliError(`${this.#base} answered ${response.status} without a Portcullis error body: is it a Portcullis server?`);
    if (response.status === 401) throw new CliError(`Your Portcullis sign-in was refused (${error.data.error.message}): run \`portcullis login\` again`, ExitCode.notSignedIn);
    throw new CliError(errorLine(response.status, error.data.error.message, error.data.error.details), exitCodeFor(response.status));
  }

  async call<S extends z.ZodType>(method: string, path: string, schema: S, body?: unknown): Promise<ApiResponse<z.infer<S>>> {
    const response = await this.raw(method, path, body);
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      throw new CliError(`${this.#base} answered ${method} ${path} with something that is not JSON: is it a Portcullis server?`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new CliError(`${this.#base} answered ${method} ${path} in an unexpected shape (${parsed.error.issues[0]?.path.join(".") ?? ""}): is the CLI as new as the server?`);
    return { status: response.status, body: parsed.data };
  }

  async get<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>> {
    return (await this.call("GET", path, schema)).body;
  }

  async post<S extends z.ZodType>(path: string, schema: S, body?: unknown): Promise<z.infer<S>> {
    return (await this.call("POST", path, schema, body ?? {})).body;
  }
}
