import { demoSubscriptions } from "@portcullis/azure-emulator";
import express from "express";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInAs } from "../../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../../test-support/stack.ts";
import { errorMiddleware } from "../error-middleware.ts";
import { createLogger } from "../logger.ts";
import { authenticate } from "./authenticate.ts";
import { guard } from "./guard.ts";

const prod = demoSubscriptions.prod.id;

/**
 * A route that touches one VM (as the policy and request features will): the guard checks the permission at the
 * VM's scope before the handler makes its ARM call.
 */
function vmRouteApp(bff: InProcessBff) {
  const app = express();
  app.use(authenticate({ validate: bff.auth.validate, loadAssignments: (p) => bff.assignments.listForPrincipal(p.oid, p.groups) }));
  app.get(
    "/vms/:resourceGroup/:name",
    guard(
      {
        kind: "permission",
        permission: "jit.vm.read",
        scope: (req) => `/subscriptions/${prod}/resourceGroups/${String(req.params["resourceGroup"])}/providers/Microsoft.Compute/virtualMachines/${String(req.params["name"])}`,
      },
      async (req, res) => {
        const vm = await bff.arm.compute(prod).virtualMachines.get(String(req.params["resourceGroup"]), String(req.params["name"]));
        res.json({ name: vm.name });
      },
    ),
  );
  app.use(errorMiddleware(createLogger("silent")));
  return app;
}

describe("a route scoped to one VM", () => {
  let emulator: TestEmulator;
  let bff: InProcessBff;
  let app: express.Express;
  let developer: string;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator);
    app = vmRouteApp(bff);
    developer = `Bearer ${await signInAs(bff, "dev@contoso.test")}`;
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });

  it("refuses dev@contoso.test a VM outside their scopes with 403 and makes no ARM call", async () => {
    emulator.control.resetCounters();
    const res = await request(app).get("/vms/rg-app-prod/vm-prod-app-01").set("authorization", developer);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      `Missing permission jit.vm.read at scope /subscriptions/${prod}/resourceGroups/rg-app-prod/providers/Microsoft.Compute/virtualMachines/vm-prod-app-01`,
    );
    expect(emulator.control.counters().requests).toBe(0);
  });

  it("does not let a resource group named like a prefix of theirs (rg-web-prod vs rg-web-prod2) through", async () => {
    emulator.control.resetCounters();
    const res = await request(app).get("/vms/rg-web-prod2/vm-x").set("authorization", developer);
    expect(res.status).toBe(403);
    expect(emulator.control.counters().requests).toBe(0);
  });

  it("lets them read a VM inside their scope, which then calls ARM", async () => {
    emulator.control.resetCounters();
    const res = await request(app).get("/vms/RG-WEB-PROD/vm-prod-web-01").set("authorization", developer);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ name: "vm-prod-web-01" });
    expect(emulator.control.counters().reads).toBeGreaterThan(0);
  });
});
