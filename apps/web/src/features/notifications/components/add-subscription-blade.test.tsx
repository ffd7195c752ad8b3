import { describe, expect, it } from "vitest";
import { screen, within } from "@testing-library/react";
import { notificationEvents, type NotificationSubscription } from "@portcullis/contract";
import { badRequest, fakeApi } from "../../../test-support/fake-api.ts";
import { renderWithProviders } from "../../../test-support/render.tsx";
import { AddSubscriptionBlade } from "./add-subscription-blade.tsx";

function subscriptionFixture(patch: Partial<NotificationSubscription> = {}): NotificationSubscription {
  return {
    id: "sub-1",
    name: "Ops webhook",
    kind: "webhook",
    targetDisplay: "https://hooks.example.com/…",
    scope: "/",
    events: [...notificationEvents],
    enabled: true,
    toRequester: false,
    signed: true,
    createdAt: "2026-01-01T00:00:00.000Z",
    createdBy: "admin",
    ...patch,
  };
}

function openBlade(api = fakeApi()) {
  return renderWithProviders(<AddSubscriptionBlade open onClose={() => {}} onAdded={() => {}} />, { api });
}

describe("Add subscription blade", () => {
  it("when a webhook is added without a secret, then the blade confirms it and shows the server's secret once", async () => {
    const api = fakeApi().on("POST", "/notifications/subscriptions", { status: 201, body: { subscription: subscriptionFixture(), secret: "s".repeat(43) } });
    const { user } = openBlade(api);
    await user.type(screen.getByRole("textbox", { name: /^Name/ }), "Ops webhook");
    await user.type(screen.getByRole("textbox", { name: /^URL/ }), "https://hooks.example.com/portcullis");
    await user.click(screen.getByRole("button", { name: "Add" }));

    expect(await screen.findByText(`Ops webhook is added: ${notificationEvents.length} events go to https://hooks.example.com/….`)).toBeVisible();
    expect(screen.getByLabelText("Signing secret")).toHaveTextContent("s".repeat(43));
    expect(api.sent("POST", "/notifications/subscriptions").map((r) => r.body)).toEqual([
      { name: "Ops webhook", kind: "webhook", scope: "/", events: [...notificationEvents], enabled: true, url: "https://hooks.example.com/portcullis" },
    ]);
  });

  it("when e-mail is chosen, then the blade asks for recipients instead of a URL and sends only e-mail fields", async () => {
    const api = fakeApi().on("POST", "/notifications/subscriptions", { status: 201, body: { subscription: subscriptionFixture({ kind: "email", name: "Approvers", targetDisplay: "ana@contoso.com" }) } });
    const { user } = openBlade(api);
    await user.type(screen.getByRole("textbox", { name: /^Name/ }), "Approvers");
    await user.click(screen.getByRole("combobox", { name: "Kind" }));
    await user.click(screen.getByRole("option", { name: "E-mail" }));
    expect(screen.queryByRole("textbox", { name: /^URL/ })).toBeNull();
    await user.type(screen.getByRole("combobox", { name: "Recipients" }), "ana@contoso.com{Enter}");
    await user.click(screen.getByRole("checkbox", { name: "Also e-mail the requester" }));
    await user.click(screen.getByRole("button", { name: "Add" }));

    expect(await screen.findByText(/^Approvers is added/)).toBeVisible();
    expect(api.sent("POST", "/notifications/subscriptions")[0]?.body).toEqual({
      name: "Approvers",
      kind: "email",
      scope: "/",
      events: [...notificationEvents],
      enabled: true,
      emails: ["ana@contoso.com"],
      toRequester: true,
    });
  });

  it("when Add is pressed on an empty form, then Name and URL say they are required and nothing is sent", async () => {
    const { user, api } = openBlade();
    await user.click(screen.getByRole("button", { name: "Add" }));

    expect(screen.getByRole("textbox", { name: /^Name/ })).toHaveAccessibleDescription("is required");
    expect(screen.getByRole("textbox", { name: /^URL/ })).toHaveAccessibleDescription("is required");
    expect(screen.getByText("Fix the highlighted fields, then press Add again.")).toBeVisible();
    expect(api.requests).toEqual([]);
  });

  it("when the URL is not a web address and the secret is short, then each field says its rule", async () => {
    const { user, api } = openBlade();
    await user.type(screen.getByRole("textbox", { name: /^Name/ }), "Ops");
    await user.type(screen.getByRole("textbox", { name: /^URL/ }), "hooks.example.com");
    await user.type(screen.getByLabelText("Webhook secret (optional)"), "short");
    await user.click(screen.getByRole("button", { name: "Add" }));

    expect(screen.getByRole("textbox", { name: /^URL/ })).toHaveAccessibleDescription("must be a web address such as https://hooks.example.com/portcullis");
    expect(screen.getByLabelText("Webhook secret (optional)")).toHaveAccessibleDescription("must be at least 32 characters");
    expect(api.requests).toEqual([]);
  });

  it("when every event is switched off and the scope emptied, then Events and Scope say so", async () => {
    const { user } = openBlade();
    const events = screen.getByRole("group", { name: "Events" });
    for (const box of within(events).getAllByRole("checkbox")) await user.click(box);
    await user.clear(screen.getByRole("textbox", { name: /^Scope/ }));
    await user.click(screen.getByRole("button", { name: "Add" }));

    expect(within(events).getByText("choose at least one event")).toBeVisible();
    expect(screen.getByRole("textbox", { name: /^Scope/ })).toHaveAccessibleDescription("is required");
  });

  it("when an e-mail subscription names nobody, then Recipients says who is missing", async () => {
    const { user } = openBlade();
    await user.type(screen.getByRole("textbox", { name: /^Name/ }), "Approvers");
    await user.click(screen.getByRole("combobox", { name: "Kind" }));
    await user.click(screen.getByRole("option", { name: "E-mail" }));
    await user.click(screen.getByRole("button", { name: "Add" }));

    expect(screen.getByRole("combobox", { name: "Recipients" })).toHaveAccessibleDescription("must name at least one recipient, unless the e-mail goes to the requester");
  });

  it("when the server refuses the scope and a recipient (400), then each rule lands on its field, the recipient by its position", async () => {
    const api = fakeApi().on(
      "POST",
      "/notifications/subscriptions",
      badRequest({ field: "scope", rule: "must be /, a subscription, a resource group or a VM id" }, { field: "emails[1]", rule: "must be an e-mail address" }),
    );
    const { user } = openBlade(api);
    await user.type(screen.getByRole("textbox", { name: /^Name/ }), "Approvers");
    await user.click(screen.getByRole("combobox", { name: "Kind" }));
    await user.click(screen.getByRole("option", { name: "E-mail" }));
    await user.type(screen.getByRole("combobox", { name: "Recipients" }), "ana@contoso.com{Enter}bob{Enter}");
    await user.clear(screen.getByRole("textbox", { name: /^Scope/ }));
    await user.type(screen.getByRole("textbox", { name: /^Scope/ }), "/subscriptions/nope");
    await user.click(screen.getByRole("button", { name: "Add" }));

    expect(await screen.findByRole("textbox", { name: /^Scope/ })).toHaveAccessibleDescription("must be /, a subscription, a resource group or a VM id");
    expect(await screen.findByRole("combobox", { name: "Recipients" })).toHaveAccessibleDescription("recipient 2 must be an e-mail address");
    expect(screen.queryByText("The notification rule was not added")).toBeNull();
  });

  it("when the server refuses for another reason (403), then the banner says the notification rule was not added", async () => {
    const api = fakeApi().on("POST", "/notifications/subscriptions", { status: 403, body: { error: { code: "Forbidden", message: "You need jit.notifications.manage on /." } } });
    const { user } = openBlade(api);
    await user.type(screen.getByRole("textbox", { name: /^Name/ }), "Ops");
    await user.type(screen.getByRole("textbox", { name: /^URL/ }), "https://hooks.example.com/portcullis");
    await user.click(screen.getByRole("button", { name: "Add" }));

    const banner = (await screen.findByText("The notification rule was not added")).closest("[role=alert]");
    expect(banner).toHaveTextContent("You need jit.notifications.manage on /.");
  });
});
