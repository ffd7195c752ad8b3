import type { PipelinePolicy } from "@azure/core-rest-pipeline";

/**
 * Sends the id of the request being served as `x-ms-client-request-id`, so one id follows a request from the browser
 * (x-request-id) through the audit trail (correlation id) to Azure's own activity log. Work outside a request
 * (`currentId` undefined) keeps the SDK's own id.
 */
export function clientRequestIdPolicy(currentId: () => string | undefined): PipelinePolicy {
  return {
    name: "portcullisClientRequestId",
    async sendRequest(request, next) {
      const id = currentId();
      if (id !== undefined) request.headers.set("x-ms-client-request-id", id);
      return next(request);
    },
  };
}

/** ARM operations as a bounded label: the method and the resource type (typed segments after the provider). */
export function armOperation(method: string, url: string): string {
  const segments = new URL(url).pathname.split("/").filter((s) => s !== "");
  const providers = segments.lastIndexOf("providers");
  if (providers === -1) return `${method} ${segments[0] ?? "root"}`;
  // /providers/<ns>/<type>/<name>[/<childType>/<childName>...]
  const typed = segments.slice(providers + 2).filter((_, i) => i % 2 === 0);
  return `${method} ${segments[providers + 1] ?? ""}/${typed.join("/") || "provider"}`;
}

/** Reports each try of each ARM request: its operation, status (null: no answer) and time to the answer. */
export function observeArmPolicy(observe: (operation: string, status: number | null, seconds: number) => void): PipelinePolicy {
  return {
    name: "portcullisObserve",
    async sendRequest(request, next) {
      const operation = armOperation(request.method, request.url);
      const started = performance.now();
      let status: number | null = null;
      try {
        const response = await next(request);
        status = response.status;
        return response;
      } catch (error) {
        const code = (error as { statusCode?: unknown }).statusCode;
        status = typeof code === "number" ? code : null;
        throw error;
      } finally {
        observe(operation, status, (performance.now() - started) / 1000);
      }
    },
  };
}
