import { describe, expect, it } from "vitest";
import { screen, within } from "@testing-library/react";
import { badRequest, fakeApi } from "../../../test-support/fake-api.ts";
import { planFixture, policyFixture, savedFixture, webVmId } from "../../../test-support/policies.ts";
import { renderWithProviders } from "../../../test-support/render.tsx";
import { PolicyBlade, type PolicyBladeTarget } from "./policy-blade.tsx";

const linuxVm = { id: webVmId, name: "vm-web-01", osType: "Linux" as const };

function openBlade(target: PolicyBladeTarget, api = fakeApi()) {
  api.on("POST", "/policies/preview", { status: 200, body: planFixture });
  return renderWithProviders(<PolicyBlade target={target} onClose={() => {}} />, { api });
}

/** The Preview section, once the server's plan is shown. */
async function previewShowsPlan() {
  const preview = screen.getByRole("region", { name: "Preview" });
  expect(await within(preview).findByRole("region", { name: "Changes to nsg-web" }, { timeout: 3000 })).toBeVisible();
}

describe("Policy blade: Enable JIT", () => {
  it("when a Linux VM is enabled with the proposed rule, then the preview shows the NSG change and Save writes it", async () => {
    const api = fakeApi().on("PUT", "/policies", { status: 200, body: savedFixture() });
    const { user } = openBlade({ mode: "enable", vms: [linuxVm] }, api);

    expect(screen.getByRole("heading", { name: "Enable JIT on 1 VM" })).toBeVisible();
    const rule = screen.getByRole("group", { name: "Rule 1" });
    expect(within(rule).getByRole("textbox", { name: "Port" })).toHaveValue("22");
    expect(within(rule).getByRole("radio", { name: "Per request" })).toBeChecked();
    await previewShowsPlan();
    expect(api.sent("POST", "/policies/preview").at(-1)?.body).toEqual({
      vmIds: [webVmId],
      ports: [{ port: 22, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT3H" }],
    });

    expect(screen.getByRole("switch", { name: "End live sessions when access ends" })).not.toBeChecked();

    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("JIT is enabled on 1 VM: vm-web-01.")).toBeVisible();
    expect(api.sent("PUT", "/policies").map((r) => r.body)).toEqual([
      {
        vmIds: [webVmId],
        ports: [{ port: 22, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT3H" }],
        approval: null,
        breakGlass: false,
        endLiveSessions: false,
      },
    ]);
  });

  it.each([
    ["", "enter a port"],
    ["ssh", "must be a whole number from 0 to 65535"],
    ["70000", "must be a whole number from 0 to 65535"],
  ])("when the port is %j, then the Port field says %s and Save is off", async (typed, message) => {
    const { user } = openBlade({ mode: "enable", vms: [linuxVm] });
    const port = within(screen.getByRole("group", { name: "Rule 1" })).getByRole("textbox", { name: "Port" });
    await user.clear(port);
    if (typed !== "") await user.type(port, typed);

    expect(port).toHaveAccessibleDescription(message);
    expect(screen.getByRole("button", { name: "Save" })).toBeDisabled();
    expect(screen.getByText("Fix the highlighted fields to see what would change in each network security group.")).toBeVisible();
  });

  it("when a custom max request time is longer than 24 hours, then one message under Hours and Minutes says the range", async () => {
    const { user } = openBlade({ mode: "enable", vms: [linuxVm] });
    const rule = screen.getByRole("group", { name: "Rule 1" });
    await user.click(within(rule).getByRole("combobox", { name: "Max request time" }));
    await user.click(screen.getByRole("option", { name: "Custom…" }));
    const hours = within(rule).getByRole("textbox", { name: "Hours" });
    await user.clear(hours);
    await user.type(hours, "25");

    expect(hours).toHaveAccessibleDescription("must be between 5 minutes and 24 hours");
    expect(within(rule).getByRole("textbox", { name: "Minutes" })).toHaveAccessibleDescription("must be between 5 minutes and 24 hours");
  });

  it("when a listed source is not an address, then that line of the list says so", async () => {
    const { user } = openBlade({ mode: "enable", vms: [linuxVm] });
    const rule = screen.getByRole("group", { name: "Rule 1" });
    await user.click(within(rule).getByRole("radio", { name: "IP addresses / CIDR ranges" }));
    await user.type(within(rule).getByRole("textbox", { name: "IP address or CIDR range 1" }), "not-an-ip");

    expect(within(rule).getByRole("textbox", { name: "IP address or CIDR range 1" })).toHaveAccessibleDescription('"not-an-ip" is not an IPv4 or IPv6 address or CIDR (service tags are not accepted)');
    expect(screen.getByRole("button", { name: "Save" })).toBeDisabled();
  });

  it("when the server's preview refuses a range (400), then the message lands on that line in the form's words and Save stays off", async () => {
    const api = fakeApi();
    const { user } = openBlade({ mode: "enable", vms: [linuxVm] }, api);
    api.on("POST", "/policies/preview", badRequest({ field: "ports[0].allowedSources.prefixes[0]", rule: "ports[0].allowedSources.prefixes[0] must be a public range" }));
    const rule = screen.getByRole("group", { name: "Rule 1" });
    await user.click(within(rule).getByRole("radio", { name: "IP addresses / CIDR ranges" }));
    await user.type(within(rule).getByRole("textbox", { name: "IP address or CIDR range 1" }), "203.0.113.0/24");

    expect(await screen.findByText("The server refused these rules; see the highlighted fields.", {}, { timeout: 3000 })).toBeVisible();
    expect(within(rule).getByRole("textbox", { name: "IP address or CIDR range 1" })).toHaveAccessibleDescription("rule 1, address 1 must be a public range");
    expect(screen.getByRole("button", { name: "Save" })).toBeDisabled();
  });

  it("when saving is refused on a port (400), then the rule's Port field shows it and the rest goes to the banner", async () => {
    const api = fakeApi().on("PUT", "/policies", badRequest({ field: "ports[0].port", rule: "is used by a rule of the NSG" }, { field: "vmIds[0]", rule: "is not a VM you may manage" }));
    const { user } = openBlade({ mode: "enable", vms: [linuxVm] }, api);
    await previewShowsPlan();
    await user.click(screen.getByRole("button", { name: "Save" }));

    const port = within(screen.getByRole("group", { name: "Rule 1" })).getByRole("textbox", { name: "Port" });
    expect(await screen.findByText("The JIT policy was not saved")).toBeVisible();
    expect(port).toHaveAccessibleDescription("is used by a rule of the NSG");
    expect(screen.getByText("The JIT policy was not saved").closest("[role=alert]")).toHaveTextContent("vmIds[0]: is not a VM you may manage");
  });
});

describe("Policy blade: Edit JIT", () => {
  it("when editing, then the form starts from the stored rules and Save sends the version it was read at", async () => {
    const stored = policyFixture({ ports: [{ port: 3389, protocol: "TCP", allowedSources: { kind: "prefixes", prefixes: ["203.0.113.0/24"] }, maxRequestDuration: "PT1H" }] });
    const api = fakeApi()
      .on("GET", "/policies/vm", { status: 200, body: stored })
      .on("GET", "/policies", { status: 200, body: { items: [stored] } })
      .on("PUT", "/policies", { status: 200, body: savedFixture(stored) });
    const { user } = openBlade({ mode: "edit", vms: [linuxVm] }, api);

    expect(screen.getByRole("heading", { name: "Edit JIT on 1 VM" })).toBeVisible();
    const rule = await screen.findByRole("group", { name: "Rule 1" });
    expect(within(rule).getByRole("textbox", { name: "Port" })).toHaveValue("3389");
    expect(within(rule).getByRole("textbox", { name: "IP address or CIDR range 1" })).toHaveValue("203.0.113.0/24");
    await previewShowsPlan();
    await user.click(screen.getByRole("button", { name: "Save" }));

    expect(await screen.findByText("The JIT rules are saved on 1 VM: vm-web-01.")).toBeVisible();
    expect(api.sent("PUT", "/policies")[0]?.body).toMatchObject({ expectedVersions: { [webVmId.toLowerCase()]: 4 } });
  });

  it("when two VMs' rules differ, then the blade names what Save would also change and saves only once the admin agrees", async () => {
    const otherVmId = webVmId.replace("vm-web-01", "vm-web-02");
    const first = policyFixture({ ports: [{ port: 22, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT2H30M" }] });
    const second = policyFixture({
      vmId: otherVmId,
      vmName: "vm-web-02",
      version: 7,
      breakGlass: true,
      ports: [
        { port: 22, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT8H" },
        { port: 3389, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT1H" },
      ],
    });
    const api = fakeApi()
      .on("GET", "/policies/vm", { status: 200, body: first })
      .on("GET", "/policies", { status: 200, body: { items: [first, second] } })
      .on("PUT", "/policies", { status: 200, body: savedFixture(first) });
    const { user } = openBlade({ mode: "edit", vms: [linuxVm, { id: otherVmId, name: "vm-web-02", osType: "Linux" }] }, api);

    const warning = await screen.findByRole("alert");
    expect(within(warning).getByText("These VMs' rules differ")).toBeVisible();
    expect(warning).toHaveTextContent("vm-web-02: port 3389: only in its rules; port 22: max request time 8 h, not 2 h 30 min; break-glass allowed");
    await previewShowsPlan();
    const saveButton = screen.getByRole("button", { name: "Save" });
    expect(saveButton).toBeDisabled();

    await user.click(within(warning).getByRole("checkbox", { name: "Replace the rules of all 2 VMs" }));
    expect(saveButton).toBeEnabled();
    await user.click(saveButton);
    expect(await screen.findByText(/The JIT rules are saved/)).toBeVisible();
    expect(api.sent("PUT", "/policies")[0]?.body).toMatchObject({ vmIds: [webVmId, otherVmId], expectedVersions: { [webVmId.toLowerCase()]: 4, [otherVmId.toLowerCase()]: 7 } });
  });

  it("when several VMs hold the same rules, then the blade asks nothing more before Save", async () => {
    const otherVmId = webVmId.replace("vm-web-01", "vm-web-02");
    const first = policyFixture();
    const second = policyFixture({ vmId: otherVmId, vmName: "vm-web-02", version: 2 });
    const api = fakeApi()
      .on("GET", "/policies/vm", { status: 200, body: first })
      .on("GET", "/policies", { status: 200, body: { items: [first, second] } });
    openBlade({ mode: "edit", vms: [linuxVm, { id: otherVmId, name: "vm-web-02", osType: "Linux" }] }, api);

    await screen.findByRole("group", { name: "Rule 1" });
    await previewShowsPlan();
    expect(screen.queryByText("These VMs' rules differ")).toBeNull();
    expect(screen.getByRole("button", { name: "Save" })).toBeEnabled();
  });

  it("when the VM has no policy any more, then the blade says so and offers Close", async () => {
    const api = fakeApi()
      .on("GET", "/policies/vm", { status: 404, body: { error: { code: "NotFound", message: "no policy" } } })
      .on("GET", "/policies", { status: 200, body: { items: [] } });
    openBlade({ mode: "edit", vms: [linuxVm] }, api);

    expect(await screen.findByText("vm-web-01 has no JIT policy any more; it may have been removed by someone else.")).toBeVisible();
    // The blade's footer offers Close beside the title's close icon.
    expect(screen.getAllByRole("button", { name: "Close" })).toHaveLength(2);
  });
});

describe("Policy blade: the justification rule", () => {
  const section = () => screen.getByRole("region", { name: "Justification" });

  it("when the admin sets a pattern with a hint and a minimum, then Save sends the rule", async () => {
    const api = fakeApi().on("PUT", "/policies", { status: 200, body: savedFixture() });
    const { user } = openBlade({ mode: "enable", vms: [linuxVm] }, api);
    await user.click(within(section()).getByRole("switch", { name: "Require a justification" }));
    const minLength = within(section()).getByRole("textbox", { name: "Minimum length" });
    await user.clear(minLength);
    await user.type(minLength, "12");
    // Pasted, as admins do with a pattern and its hint (and one event each keeps the test quick).
    await user.click(within(section()).getByRole("textbox", { name: "Pattern" }));
    await user.paste("^(INC|CHG)\\d{6}");
    await user.click(within(section()).getByRole("textbox", { name: /^Hint for requesters/ }));
    await user.paste("Enter the incident or change number, like INC123456");
    await previewShowsPlan();
    await user.click(screen.getByRole("button", { name: "Save" }));

    expect(await screen.findByText("JIT is enabled on 1 VM: vm-web-01.")).toBeVisible();
    expect(api.sent("PUT", "/policies")[0]?.body).toMatchObject({
      justificationRequired: true,
      justificationRule: { minLength: 12, pattern: "^(INC|CHG)\\d{6}", hint: "Enter the incident or change number, like INC123456" },
    });
  });

  it("when a pattern has no hint, or the minimum is out of range, then each field says so and Save is off", async () => {
    const { user } = openBlade({ mode: "enable", vms: [linuxVm] });
    await user.type(within(section()).getByRole("textbox", { name: "Pattern" }), "^INC");
    const minLength = within(section()).getByRole("textbox", { name: "Minimum length" });
    await user.clear(minLength);
    await user.type(minLength, "5000");

    expect(within(section()).getByRole("textbox", { name: /^Hint for requesters/ })).toHaveAccessibleDescription("is required with a pattern: tell requesters what to type");
    expect(minLength).toHaveAccessibleDescription("must be a whole number from 0 to 1000");
    expect(screen.getByRole("button", { name: "Save" })).toBeDisabled();
  });

  it("when the server refuses the pattern (400 naming justificationRule.pattern), then the Pattern field shows why", async () => {
    const api = fakeApi().on("PUT", "/policies", badRequest({ field: "justificationRule.pattern", rule: "is not a valid pattern (RE2 syntax: no backreferences or lookaround): missing closing )" }));
    const { user } = openBlade({ mode: "enable", vms: [linuxVm] }, api);
    await user.click(within(section()).getByRole("textbox", { name: "Pattern" }));
    await user.paste("^(INC");
    await user.click(within(section()).getByRole("textbox", { name: /^Hint for requesters/ }));
    await user.paste("Incident number");
    await previewShowsPlan();
    await user.click(screen.getByRole("button", { name: "Save" }));

    expect(await within(section()).findByRole("textbox", { name: "Pattern" })).toHaveAccessibleDescription(
      "is not a valid pattern (RE2 syntax: no backreferences or lookaround): missing closing )",
    );
  });

  it("when editing a policy with a rule, then the section starts from it", async () => {
    const stored = policyFixture({ justificationRequired: true, justificationRule: { minLength: 9, pattern: "^INC", hint: "Incident number" } });
    const api = fakeApi().on("GET", "/policies/vm", { status: 200, body: stored }).on("GET", "/policies", { status: 200, body: { items: [stored] } });
    openBlade({ mode: "edit", vms: [linuxVm] }, api);
    const region = await screen.findByRole("region", { name: "Justification" });
    expect(within(region).getByRole("switch", { name: "Require a justification" })).toBeChecked();
    expect(within(region).getByRole("textbox", { name: "Minimum length" })).toHaveValue("9");
    expect(within(region).getByRole("textbox", { name: "Pattern" })).toHaveValue("^INC");
  });
});
