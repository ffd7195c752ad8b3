import { describe, expect, it } from "vitest";
import { screen, within } from "@testing-library/react";
import type { UserEvent } from "@testing-library/user-event";
import { badRequest, fakeApi } from "../../../test-support/fake-api.ts";
import { planFixture, savedFixture, webVmId } from "../../../test-support/policies.ts";
import { renderWithProviders } from "../../../test-support/render.tsx";
import { PolicyBlade } from "./policy-blade.tsx";

/** The Enable JIT blade for one Linux VM with "Require approval" switched on; the server plans and saves. */
async function withApprovalOn() {
  const api = fakeApi().on("POST", "/policies/preview", { status: 200, body: planFixture }).on("PUT", "/policies", { status: 200, body: savedFixture() });
  const view = renderWithProviders(<PolicyBlade target={{ mode: "enable", vms: [{ id: webVmId, name: "vm-web-01", osType: "Linux" }] }} onClose={() => {}} />, { api });
  await view.user.click(screen.getByRole("switch", { name: "Require approval" }));
  const section = screen.getByRole("region", { name: "Approval" });
  return { ...view, section };
}

async function save(user: UserEvent) {
  // Save waits for the first plan, as a user would see it come.
  expect(await screen.findByRole("region", { name: "Changes to nsg-web" }, { timeout: 3000 })).toBeVisible();
  await user.click(screen.getByRole("button", { name: "Save" }));
}

describe("Approval fields of the policy blade", () => {
  it("when approval is switched on with its defaults, then the fields explain themselves and Save sends the rule", async () => {
    const { user, section, api } = await withApprovalOn();
    expect(within(section).getByText("Requests wait until enough approvers approve; one denial ends the request.")).toBeVisible();
    expect(within(section).getByRole("textbox", { name: "Number of approvals" })).toHaveAccessibleDescription("Distinct approvers needed, 1 to 10");
    expect(within(section).getByRole("checkbox", { name: "Anyone with the Approver role on the VM" })).toBeChecked();
    expect(screen.getByRole("switch", { name: "Needs approval" })).toBeChecked();

    await save(user);
    expect(await screen.findByText("JIT is enabled on 1 VM: vm-web-01.")).toBeVisible();
    expect(api.sent("PUT", "/policies")[0]?.body).toMatchObject({
      ports: [{ port: 22, requireApproval: true }],
      approval: { requiredApprovals: 1, approvers: { roleHolders: true, users: [], groups: [] }, allowSelfApproval: false, maxWait: "PT24H", clockStartsAt: "approval" },
    });
  });

  it("when the wait and the clock are changed, then Save sends them", async () => {
    const { user, section, api } = await withApprovalOn();
    await user.click(within(section).getByRole("combobox", { name: "Request waits at most" }));
    await user.click(screen.getByRole("option", { name: "4 hours" }));
    await user.click(within(section).getByRole("radio", { name: "The request" }));
    expect(within(section).getByText("Time spent waiting for approval counts against the time asked for.")).toBeVisible();

    await save(user);
    expect(await screen.findByText("JIT is enabled on 1 VM: vm-web-01.")).toBeVisible();
    expect(api.sent("PUT", "/policies")[0]?.body).toMatchObject({ approval: { maxWait: "PT4H", clockStartsAt: "request" } });
  });

  it.each(["0", "11", "two"])("when the number of approvals is %j, then the field gives the range and Save is off", async (typed) => {
    const { user, section } = await withApprovalOn();
    const count = within(section).getByRole("textbox", { name: "Number of approvals" });
    await user.clear(count);
    await user.type(count, typed);

    expect(count).toHaveAccessibleDescription("must be a whole number from 1 to 10");
    expect(screen.getByRole("button", { name: "Save" })).toBeDisabled();
  });

  it("when nobody is named to approve, then the Approvers group asks for one", async () => {
    const { user, section } = await withApprovalOn();
    await user.click(within(section).getByRole("checkbox", { name: "Anyone with the Approver role on the VM" }));

    expect(within(section).getByText("name at least one approver: the Approver role, a user or a group")).toBeVisible();
    expect(screen.getByRole("button", { name: "Save" })).toBeDisabled();
  });

  it("when fewer users are named than approvals needed, then the Approvers group says how many are missing", async () => {
    const { user, section } = await withApprovalOn();
    await user.click(within(section).getByRole("checkbox", { name: "Anyone with the Approver role on the VM" }));
    await user.type(within(section).getByRole("combobox", { name: "Users" }), "ana@contoso.com{Enter}");
    const count = within(section).getByRole("textbox", { name: "Number of approvals" });
    await user.clear(count);
    await user.type(count, "2");

    expect(within(section).getByText("2 approvals are needed but only 1 user is named; add users, a group or the Approver role")).toBeVisible();
    expect(screen.getByRole("button", { name: "Save" })).toBeDisabled();
  });

  it("when the server refuses a named user and the wait (400), then each rule sits under its own field", async () => {
    const { user, section, api } = await withApprovalOn();
    api.on("PUT", "/policies", badRequest({ field: "approval.approvers.users[0]", rule: "ana@contoso.com is not a user of the directory" }, { field: "approval.maxWait", rule: "must be at most P7D" }));
    await user.type(within(section).getByRole("combobox", { name: "Users" }), "ana@contoso.com{Enter}");
    await save(user);

    expect(await within(section).findByRole("combobox", { name: "Users" })).toHaveAccessibleDescription("ana@contoso.com is not a user of the directory");
    expect(within(section).getByRole("combobox", { name: "Request waits at most" })).toHaveAccessibleDescription("must be at most P7D");
    expect(screen.queryByText("The JIT policy was not saved")).toBeNull();
  });

  describe("Approve automatically by rule", () => {
    it("when the on-call group, the hours and a maximum are set, then Save sends the rule", async () => {
      const { user, section, api } = await withApprovalOn();
      await user.click(within(section).getByRole("switch", { name: "Approve automatically by rule" }));
      await user.type(within(section).getByRole("combobox", { name: "Requester in group" }), "grp-on-call{Enter}");
      await user.click(within(section).getByRole("textbox", { name: "From (HH:MM)" }));
      await user.paste("22:00");
      await user.click(within(section).getByRole("textbox", { name: "To (HH:MM)" }));
      await user.paste("06:00");
      const zone = within(section).getByRole("textbox", { name: "Time zone" });
      await user.clear(zone);
      await user.paste("Europe/Berlin");
      await user.click(within(section).getByRole("combobox", { name: "For at most" }));
      await user.click(screen.getByRole("option", { name: "2 hours" }));
      await save(user);

      expect(await screen.findByText("JIT is enabled on 1 VM: vm-web-01.")).toBeVisible();
      expect(api.sent("PUT", "/policies")[0]?.body).toMatchObject({
        approval: { autoApprove: { name: "on-call", groups: ["grp-on-call"], hours: { from: "22:00", to: "06:00", timeZone: "Europe/Berlin" }, ports: [], maxDuration: "PT2H" } },
      });
    });

    it("when no condition is stated, or a time is not HH:MM, then the section says so and Save is off", async () => {
      const { user, section } = await withApprovalOn();
      await user.click(within(section).getByRole("switch", { name: "Approve automatically by rule" }));
      expect(within(section).getByText(/^Automatic approval: state at least one condition/)).toBeVisible();
      await user.type(within(section).getByRole("textbox", { name: "From (HH:MM)" }), "8am");
      expect(within(section).getByText("give both times as HH:MM (00:00 to 23:59)")).toBeVisible();
      expect(screen.getByRole("button", { name: "Save" })).toBeDisabled();
    });

    it("when the server refuses a group (400 naming approval.autoApprove.groups.0), then the Groups field shows why", async () => {
      const { user, section, api } = await withApprovalOn();
      api.on("PUT", "/policies", badRequest({ field: "approval.autoApprove.groups[0]", rule: '"on-call" must be a group object id (a GUID, as Entra ID\'s groups claim lists them)' }));
      await user.click(within(section).getByRole("switch", { name: "Approve automatically by rule" }));
      await user.type(within(section).getByRole("combobox", { name: "Requester in group" }), "on-call{Enter}");
      await save(user);
      expect(await within(section).findByText(/"on-call" must be a group object id/)).toBeVisible();
    });
  });
});
