import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import express from "express";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { currentRequestId, requestContext } from "../http/request-context.ts";
import { armOperation, clientRequestIdPolicy } from "./pipeline-policies.ts";

describe("ARM operations as metric labels", () => {
  it("names the method and resource type, never the resource", () => {
    const sub = "https://management.azure.com/subscriptions/6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b";
    expect(armOperation("PUT", `${sub}/resourceGroups/rg-web/providers/Microsoft.Network/networkSecurityGroups/nsg-1?api-version=2024-05-01`)).toBe("PUT Microsoft.Network/networkSecurityGroups");
    expect(armOperation("GET", `${sub}/resourceGroups/rg-web/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet-a`)).toBe("GET Microsoft.Network/virtualNetworks/subnets");
    expect(armOperation("GET", "https://management.azure.com/subscriptions?api-version=2022-12-01")).toBe("GET subscriptions");
  });
});

describe("the request id sent to ARM", () => {
  it("is the served request's x-request-id, also after awaits; work outside a request keeps the SDK's id", async () => {
    const sent: Array<string | undefined> = [];
    const policy = clientRequestIdPolicy(currentRequestId);
    const send = () => {
      const req = createPipelineRequest({ url: "https://management.azure.com/subscriptions", headers: createHttpHeaders({ "x-ms-client-request-id": "sdk-generated" }) });
      return policy.sendRequest(req, async (r) => {
        sent.push(r.headers.get("x-ms-client-request-id"));
        return { request: r, status: 200, headers: createHttpHeaders() } as PipelineResponse;
      });
    };
    const app = express();
    app.use((req, _res, next) => {
      (req as unknown as { id: string }).id = "3f0c8a1e-request";
      next();
    });
    app.use(requestContext());
    app.get("/", async (_req, res) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      await send();
      res.send("ok");
    });
    await request(app).get("/");
    await send();
    expect(sent).toEqual(["3f0c8a1e-request", "sdk-generated"]);
  });
});
