import { describe, expect, it } from "vitest";
import { screen, within } from "@testing-library/react";
import type { Grant, Policy } from "@portcullis/contract";
import { accessRequestFixture } from "../../../test-support/access-request.ts";
import { badRequest, fakeApi } from "../../../test-support/fake-api.ts";
import { renderWithProviders } from "../../../test-support/render.tsx";
import { RequestAccessBlade } from "./request-access-blade.tsx";

const vmId = "/subscriptions/00000000-0000-0000-0000-000000000002/resourceGroups/rg-dev-apps/providers/Microsoft.Compute/virtualMachines/vm-dev-api-03";
const vm = { id: vmId, name: "vm-dev-api-03", nsgNames: ["nsg-dev-api"] };

function policyFor(patch: Partial<Policy> = {}): Policy & { justificationRequired: boolean } {
  return {
    vmId,
    vmName: "vm-dev-api-03",
    resourceGroup: "rg-dev-apps",
    subscriptionId: "00000000-0000-0000-0000-000000000002",
    ports: [
      { port: 22, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT3H" },
      { port: 3389, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT1H" },
    ],
    createdAt: "2026-01-01T00:00:00.000Z",
    createdBy: "admin",
    updatedAt: "2026-01-01T00:00:00.000Z",
    updatedBy: "admin",
    version: 1,
    justificationRequired: false,
    approval: null,
    breakGlass: false,
    ...patch,
  };
}

function grantFor(patch: Partial<Grant> = {}): Grant {
  const start = Date.now();
  return {
    id: "g-1",
    vmId,
    vmName: "vm-dev-api-03",
    resourceGroup: "rg-dev-apps",
    subscriptionId: "00000000-0000-0000-0000-000000000002",
    requester: { oid: "dev-oid", name: "Dana Developer" },
    ports: [{ port: 22, protocol: "TCP" }],
    sourcePrefixes: ["203.0.113.7/32"],
    justification: "deploy the hotfix",
    status: "open",
    statusReason: null,
    createdAt: new Date(start).toISOString(),
    startsAt: new Date(start).toISOString(),
    endsAt: new Date(start + 60 * 60_000).toISOString(),
    closedAt: null,
    error: null,
    connect: { addresses: ["10.20.2.6"], sshCommand: "ssh azureuser@10.20.2.6", rdpFile: null },
    ...patch,
  };
}

function openBlade(policy = policyFor(), myIp: string | null = "203.0.113.7") {
  const api = fakeApi()
    .on("GET", "/policies/vm", { status: 200, body: policy })
    .on("GET", "/requests/my-ip", { status: 200, body: { ip: myIp } })
    .on("GET", "/grants/g-1", { status: 200, body: grantFor() });
  const view = renderWithProviders(<RequestAccessBlade target={{ vm, serial: 1 }} onClose={() => {}} />, { api });
  return view;
}

describe("Request access blade", () => {
  it("when a port, My IP and a time are chosen, then Open ports sends them and the blade shows until when and how to connect", async () => {
    const { user, api } = openBlade();
    api.on("POST", "/requests", { status: 201, body: grantFor() });
    expect(await screen.findByRole("heading", { name: "Request access to vm-dev-api-03" })).toBeVisible();
    expect(await screen.findByRole("radio", { name: "My IP (203.0.113.7)" })).toBeChecked();

    await user.click(screen.getByRole("switch", { name: "22 (SSH) TCP" }));
    await user.type(screen.getByRole("textbox", { name: /^Justification/ }), "deploy the hotfix");
    await user.click(screen.getByRole("button", { name: "Open ports" }));

    expect(await screen.findByText(/^Open until/)).toBeVisible();
    expect(screen.getByText("ssh azureuser@10.20.2.6")).toBeVisible();
    expect(api.sent("POST", "/requests").map((r) => r.body)).toEqual([
      { vmId, ports: [{ port: 22, protocol: "TCP" }], sources: { kind: "my-ip" }, durationMinutes: 60, justification: "deploy the hotfix" },
    ]);
  });

  it("when the policy asks for approval, then the button says Request approval and a 202 shows the request waiting", async () => {
    const approval = { requiredApprovals: 2, approvers: { roleHolders: true, users: [], groups: [] }, allowSelfApproval: false, maxWait: "PT24H", clockStartsAt: "approval" as const };
    const { user, api } = openBlade(policyFor({ approval }));
    api.on("POST", "/requests", { status: 202, body: accessRequestFixture("r-1", { vmId, vmName: "vm-dev-api-03" }) });

    await user.click(await screen.findByRole("switch", { name: "22 (SSH) TCP" }));
    expect(screen.getByRole("note")).toHaveTextContent("Needs 2 approvals before the ports open; approvers are notified when you send the request.");
    await user.click(screen.getByRole("button", { name: "Request approval" }));

    expect(await screen.findByText("Request sent for approval")).toBeVisible();
    expect(screen.getByRole("link", { name: "Go to My access" })).toHaveAttribute("href", "/my-access");
  });

  it("when no port is switched on, then the Ports group says so and nothing is sent", async () => {
    const { user, api } = openBlade();
    await user.click(await screen.findByRole("button", { name: "Open ports" }));

    expect(screen.getByText("Switch on at least one port.")).toBeVisible();
    expect(screen.getByText("Fix the highlighted fields, then press Open ports again.")).toBeVisible();
    expect(api.sent("POST", "/requests")).toEqual([]);
  });

  it("when an IP range line is left empty, then that line asks for an address", async () => {
    const { user, api } = openBlade();
    await user.click(await screen.findByRole("switch", { name: "22 (SSH) TCP" }));
    await user.click(screen.getByRole("radio", { name: "IP range" }));
    await user.click(screen.getByRole("button", { name: "Open ports" }));

    expect(screen.getByRole("textbox", { name: "IP address or CIDR range 1" })).toHaveAccessibleDescription("Enter an IP address or CIDR range, or remove this line.");
    expect(api.sent("POST", "/requests")).toEqual([]);
  });

  it("when the ranges together are wider than a per-request port allows, then the ranges say how wide and the limit", async () => {
    const { user, api } = openBlade();
    await user.click(await screen.findByRole("switch", { name: "22 (SSH) TCP" }));
    await user.click(screen.getByRole("radio", { name: "IP range" }));
    await user.type(screen.getByRole("textbox", { name: "IP address or CIDR range 1" }), "10.0.0.0/8");
    await user.click(screen.getByRole("button", { name: "Open ports" }));

    expect(screen.getByText(/^Together these open port 22 to .*; this VM's policy lets you open at most .*\/24.*\.$/)).toBeVisible();
    expect(api.sent("POST", "/requests")).toEqual([]);
  });

  it("when the custom minutes are not a whole number, or beyond the chosen ports' max, then the Minutes field says which", async () => {
    const { user } = openBlade();
    await user.click(await screen.findByRole("switch", { name: "3389 (RDP) TCP" }));
    await user.click(screen.getByRole("combobox", { name: "Time range" }));
    await user.click(screen.getByRole("option", { name: "Custom…" }));
    const minutes = screen.getByRole("textbox", { name: "Minutes" });
    await user.type(minutes, "1.5");
    await user.click(screen.getByRole("button", { name: "Open ports" }));
    expect(minutes).toHaveAccessibleDescription("Enter a whole number of minutes.");

    await user.clear(minutes);
    await user.type(minutes, "90");
    expect(minutes).toHaveAccessibleDescription("Must be between 5 and 60 minutes for the chosen ports.");
  });

  it("when the policy requires a justification and none is given, then the Justification field says the policy requires one", async () => {
    const { user, api } = openBlade(policyFor({ justificationRequired: true }));
    await user.click(await screen.findByRole("switch", { name: "22 (SSH) TCP" }));
    await user.click(screen.getByRole("button", { name: "Open ports" }));

    expect(screen.getByRole("textbox", { name: /^Justification/ })).toHaveAccessibleDescription("This VM's policy requires a justification.");
    expect(api.sent("POST", "/requests")).toEqual([]);
  });

  it("when break-glass is switched on without a justification, then the form asks what the emergency is and sends nothing", async () => {
    const approval = { requiredApprovals: 1, approvers: { roleHolders: true, users: [], groups: [] }, allowSelfApproval: false, maxWait: "PT24H", clockStartsAt: "approval" as const };
    const { user, api } = openBlade(policyFor({ approval, breakGlass: true }));
    await user.click(await screen.findByRole("switch", { name: "22 (SSH) TCP" }));
    await user.click(screen.getByRole("switch", { name: "Emergency (break-glass)" }));
    // Break-glass opens at once, so the button opens the ports rather than asking for approval.
    await user.click(screen.getByRole("button", { name: "Open ports" }));

    expect(screen.getByRole("textbox", { name: /^Justification/ })).toHaveAccessibleDescription("Break-glass access needs a justification: say what the emergency is.");
    expect(api.sent("POST", "/requests")).toEqual([]);
  });

  it("when the server refuses a range and a port (400), then each rule appears under its own field", async () => {
    const { user, api } = openBlade();
    api.on("POST", "/requests", badRequest({ field: "sources.prefixes[1]", rule: "must be a public address" }, { field: "ports[0].port", rule: "is not configured by this VM's policy" }));
    await user.click(await screen.findByRole("switch", { name: "22 (SSH) TCP" }));
    await user.click(screen.getByRole("radio", { name: "IP range" }));
    await user.type(screen.getByRole("textbox", { name: "IP address or CIDR range 1" }), "203.0.113.7");
    await user.click(screen.getByRole("button", { name: "Add address" }));
    await user.type(screen.getByRole("textbox", { name: "IP address or CIDR range 2" }), "10.1.2.3");
    await user.click(screen.getByRole("button", { name: "Open ports" }));

    expect(await screen.findByRole("textbox", { name: "IP address or CIDR range 2" })).toHaveAccessibleDescription("must be a public address");
    expect(screen.getByRole("textbox", { name: "IP address or CIDR range 1" })).not.toHaveAccessibleDescription();
    expect(screen.getByText("is not configured by this VM's policy")).toBeVisible();
    expect(screen.queryByText("Access was not opened")).toBeNull();
  });

  it("when the server's 400 names no field of the form, then the banner shows the field and the rule", async () => {
    const { user, api } = openBlade();
    api.on("POST", "/requests", badRequest({ field: "vmId", rule: "must be a virtual machine id" }));
    await user.click(await screen.findByRole("switch", { name: "22 (SSH) TCP" }));
    await user.click(screen.getByRole("button", { name: "Open ports" }));

    const banner = await screen.findByRole("alert");
    expect(within(banner).getByText("Access was not opened")).toBeVisible();
    expect(banner).toHaveTextContent("vmId: must be a virtual machine id");
  });

  it("when the caller's address cannot be detected, then My IP is disabled and the form starts on IP range", async () => {
    openBlade(policyFor(), null);
    expect(await screen.findByRole("radio", { name: "My IP (could not be detected)" })).toBeDisabled();
    expect(screen.getByRole("radio", { name: "IP range" })).toBeChecked();
  });

  describe("a policy with a justification rule", () => {
    const incident = { minLength: 12, pattern: "^(INC|CHG)\\d{6}", hint: "Enter the incident or change number, like INC123456" };
    const refusal = "Enter the incident or change number, like INC123456 (must match the pattern ^(INC|CHG)\\d{6})";

    it("when the blade opens, then the Justification field shows the hint and the minimum before anything is typed", async () => {
      openBlade(policyFor({ justificationRequired: true, justificationRule: incident }));
      const field = await screen.findByRole("textbox", { name: /^Justification/ });
      expect(field).toHaveAccessibleDescription(
        "Required by this VM's policy. Enter the incident or change number, like INC123456. At least 12 characters. Why you need access; auditors read it. 0/1000",
      );
    });

    it("when the justification is shorter than the policy's minimum, then the field says so and nothing is sent", async () => {
      const { user, api } = openBlade(policyFor({ justificationRequired: true, justificationRule: incident }));
      await user.click(await screen.findByRole("switch", { name: "22 (SSH) TCP" }));
      await user.type(screen.getByRole("textbox", { name: /^Justification/ }), "INC123");
      await user.click(screen.getByRole("button", { name: "Open ports" }));

      expect(screen.getByRole("textbox", { name: /^Justification/ })).toHaveAccessibleDescription("At least 12 characters (this VM's policy).");
      expect(api.sent("POST", "/requests")).toEqual([]);
    });

    it("when the server refuses the justification for the pattern (400 naming justification), then the hint appears under the field", async () => {
      const { user, api } = openBlade(policyFor({ justificationRequired: true, justificationRule: incident }));
      api.on("POST", "/requests", badRequest({ field: "justification", rule: refusal }));
      await user.click(await screen.findByRole("switch", { name: "22 (SSH) TCP" }));
      await user.type(screen.getByRole("textbox", { name: /^Justification/ }), "fix the deploy please");
      await user.click(screen.getByRole("button", { name: "Open ports" }));

      expect(await screen.findByRole("textbox", { name: /^Justification/ })).toHaveAccessibleDescription(refusal);
      expect(screen.queryByText("Access was not opened")).toBeNull();
      expect(api.sent("POST", "/requests").map((r) => (r.body as { justification: string }).justification)).toEqual(["fix the deploy please"]);
    });
  });
});
