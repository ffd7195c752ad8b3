import { describe, expect, it } from "vitest";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import type { ActivityEvent } from "@portcullis/contract";
import { badRequest, fakeApi, type FakeApi } from "../../../test-support/fake-api.ts";
import { renderWithProviders } from "../../../test-support/render.tsx";
import { ActivityView } from "./activity-view.tsx";

const vmId = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-01";

function eventFixture(seq: number, patch: Partial<ActivityEvent> = {}): ActivityEvent {
  return {
    id: `e-${seq}`,
    seq,
    at: "2026-03-10T12:00:00.000Z",
    action: "request.opened",
    outcome: "success",
    actor: { oid: "dev-oid", name: "Dana Developer", ip: "203.0.113.7" },
    vmId,
    vmName: "vm-web-01",
    ports: ["22/TCP"],
    sources: ["203.0.113.7/32"],
    durationMinutes: 60,
    justification: "deploy the hotfix",
    error: null,
    correlationId: `c-${seq}`,
    details: {},
    hash: "00".repeat(32),
    ...patch,
  };
}

const page = (...items: ActivityEvent[]) => ({ status: 200, body: { items, nextCursor: null } });

function openLog(url = "/activity", api: FakeApi = fakeApi().on("GET", "/activity", page(eventFixture(1)))) {
  return renderWithProviders(<ActivityView ownEventsOnly={false} />, { api, url });
}

/** The query of the last page the log asked the server for. */
const lastQuery = (api: FakeApi) => new URLSearchParams(api.sent("GET", "/activity").at(-1)?.path.split("?")[1]);

describe("Activity filters", () => {
  it("when an action is chosen, then the address bar and the server's query carry it", async () => {
    const api = fakeApi().on("GET", "/activity", page(eventFixture(1)));
    const { user, router } = openLog("/activity", api);
    expect(await screen.findByText("Access opened")).toBeVisible();

    await user.click(screen.getByRole("combobox", { name: "Action" }));
    await user.click(screen.getByRole("option", { name: "Access requested" }));

    expect(router.state.location.search).toBe("?action=request.created");
    expect(await screen.findByRole("button", { name: "Clear filters" })).toBeVisible();
    expect(lastQuery(api).get("action")).toBe("request.created");
  });

  it("when a search is typed, then it reaches the address bar and the server once typing pauses", async () => {
    const api = fakeApi().on("GET", "/activity", page(eventFixture(1)));
    const { user, router } = openLog("/activity", api);
    await user.type(screen.getByRole("textbox", { name: "Search" }), "hotfix");

    await screen.findByRole("button", { name: "Clear filters" }, { timeout: 3000 });
    expect(router.state.location.search).toBe("?q=hotfix");
    expect(lastQuery(api).get("q")).toBe("hotfix");
  });

  it("when the address names a VM, then the VM filter shows it and Clear filters empties the address", async () => {
    const { user, router } = openLog(`/activity?vmId=${encodeURIComponent(vmId)}&outcome=failure`);
    expect(await screen.findByRole("combobox", { name: "VM" })).toHaveTextContent("vm-web-01");
    expect(screen.getByRole("combobox", { name: "Outcome" })).toHaveTextContent("Failure");

    await user.click(screen.getByRole("button", { name: "Clear filters" }));
    expect(router.state.location.search).toBe("");
    expect(screen.getByRole("combobox", { name: "VM" })).toHaveTextContent("All VMs");
  });

  it("when From is after To, then To says so and the log asks for a range that ends after it starts, without asking the server", async () => {
    const api = fakeApi().on("GET", "/activity", badRequest({ field: "from", rule: "must not be after to (2026-03-11T00:00:00.000Z is after 2026-03-10T00:00:00.000Z)" }));
    openLog("/activity?from=2026-03-11T00:00:00.000Z&to=2026-03-10T00:00:00.000Z", api);

    expect(await screen.findByText("No events are shown until the time range ends after it starts.")).toBeVisible();
    expect(screen.getByRole("combobox", { name: "Time range" })).toHaveTextContent("Custom range");
    expect(screen.getByLabelText("To")).toHaveAccessibleDescription("Must be after From.");
    expect(screen.getByRole("button", { name: "Download CSV" })).toBeDisabled();
    expect(screen.queryByText("The activity log could not be loaded")).toBeNull();
    expect(api.sent("GET", "/activity")).toEqual([]);
  });

  it("when a custom range is chosen and a From time picked, then it is sent as the instant of that local minute", async () => {
    const api = fakeApi().on("GET", "/activity", page(eventFixture(1)));
    const { user, router } = openLog("/activity", api);
    expect(screen.queryByLabelText("From")).toBeNull();
    await user.click(screen.getByRole("combobox", { name: "Time range" }));
    await user.click(screen.getByRole("option", { name: "Custom range" }));
    fireEvent.change(screen.getByLabelText("From"), { target: { value: "2026-03-10T10:05" } });

    const from = new Date("2026-03-10T10:05").toISOString();
    expect(router.state.location.search).toBe(`?from=${encodeURIComponent(from)}`);
    expect(screen.getByLabelText("From")).toHaveValue("2026-03-10T10:05");
    await waitFor(() => expect(lastQuery(api).get("from")).toBe(from));
  });

  it("when the search has no letter or digit, then the Search field says what it needs", async () => {
    const api = fakeApi().on("GET", "/activity", page());
    const { user } = openLog("/activity", api);
    await user.type(screen.getByRole("textbox", { name: "Search" }), "!!!");

    expect(await screen.findByText("must contain a letter or a digit")).toBeVisible();
    expect(screen.getByRole("textbox", { name: "Search" })).toHaveAccessibleDescription("must contain a letter or a digit");
  });

  it("when the server refuses the search (400 on q), then its rule shows under Search, not in a banner", async () => {
    const long = "a".repeat(201);
    const api = fakeApi().on("GET", "/activity", badRequest({ field: "q", rule: "must be at most 200 characters" }));
    openLog(`/activity?q=${long}`, api);

    expect(await screen.findByText("must be at most 200 characters")).toBeVisible();
    expect(screen.getByRole("textbox", { name: "Search" })).toHaveAccessibleDescription("must be at most 200 characters");
    expect(screen.getByText("Change the highlighted filters to see the events.")).toBeVisible();
  });

  it("when the server fails otherwise, then the banner says the log could not be loaded and offers Retry", async () => {
    const api = fakeApi().on("GET", "/activity", { status: 503, body: { error: { code: "Unavailable", message: "The database is not reachable." } } });
    openLog("/activity", api);

    const banner = (await screen.findByText("The activity log could not be loaded")).closest("[role=alert]");
    expect(banner).toHaveTextContent("The database is not reachable.");
    expect(within(banner as HTMLElement).getByRole("button", { name: "Retry" })).toBeVisible();
  });
});
