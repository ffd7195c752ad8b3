import { describe, expect, it } from "vitest";
import { fireEvent, screen, within } from "@testing-library/react";
import type { ImportPoliciesResponse } from "@portcullis/contract";
import { fakeApi } from "../../../test-support/fake-api.ts";
import { planFixture, webVmId } from "../../../test-support/policies.ts";
import { renderWithProviders } from "../../../test-support/render.tsx";
import { ImportPoliciesDialog } from "./import-policies-dialog.tsx";

const file = {
  properties: {
    virtualMachines: [{ id: webVmId, osType: "Linux", ports: [{ number: 22, protocol: "TCP", allowedSourceAddressPrefix: "*", maxRequestAccessDuration: "PT3H" }] }],
    requests: [],
  },
};

function answer(dryRun: boolean, losses: ImportPoliciesResponse["losses"]): ImportPoliciesResponse {
  return {
    dryRun,
    policies: [{ vmId: webVmId, ports: [{ port: 22, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT3H" }] }],
    nsgs: planFixture.nsgs,
    historicalRequests: 2,
    losses,
  };
}

const losses = [{ field: "properties.virtualMachines[0].osType", value: '"Linux"' }];

async function dryRunOf(api: ReturnType<typeof fakeApi>) {
  const view = renderWithProviders(<ImportPoliciesDialog open onClose={() => {}} />, { api });
  fireEvent.change(screen.getByRole("textbox", { name: "Defender policy JSON" }), { target: { value: JSON.stringify(file) } });
  await view.user.click(screen.getByRole("button", { name: "Dry run" }));
  return view;
}

describe("Import JIT policies dialog", () => {
  it("when the file holds fields Portcullis does not understand, then the dry run lists them and Apply waits for the admin to accept exactly those", async () => {
    const api = fakeApi()
      .on("POST", "/policies/import?dryRun=true", { status: 200, body: answer(true, losses) })
      .on("POST", "/policies/import?dryRun=false", { status: 200, body: answer(false, losses) });
    const { user } = await dryRunOf(api);

    const lost = await screen.findByRole("region", { name: "Fields that would be lost" });
    expect(within(lost).getByText('properties.virtualMachines[0].osType: "Linux"')).toBeVisible();
    expect(screen.getByText("2 past requests from Defender will be kept as read-only history and exported back.")).toBeVisible();
    const apply = screen.getByRole("button", { name: "Apply" });
    expect(apply).toBeDisabled();

    await user.click(screen.getByRole("checkbox", { name: "Import without these fields" }));
    await user.click(apply);
    expect(await screen.findByText("Imported 1 policy.")).toBeVisible();
    expect(api.sent("POST", "/policies/import").map((r) => r.body)).toEqual([file, { document: file, acceptLosses: ["properties.virtualMachines[0].osType"] }]);
  });

  it("when nothing would be lost, then Apply sends the file as it is", async () => {
    const api = fakeApi()
      .on("POST", "/policies/import?dryRun=true", { status: 200, body: answer(true, []) })
      .on("POST", "/policies/import?dryRun=false", { status: 200, body: answer(false, []) });
    const { user } = await dryRunOf(api);
    const apply = await screen.findByRole("button", { name: "Apply" });
    expect(screen.queryByRole("region", { name: "Fields that would be lost" })).toBeNull();
    expect(apply).toBeEnabled();
    await user.click(apply);
    expect(await screen.findByText("Imported 1 policy.")).toBeVisible();
    expect(api.sent("POST", "/policies/import")[1]?.body).toEqual(file);
  });
});
