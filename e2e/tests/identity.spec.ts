import type { Page } from "@playwright/test";
import { demoExpectations } from "@portcullis/azure-emulator";
import { demoPassword } from "@portcullis/local-issuer";
import { demoUser, expect, signedInUser, submitSignIn, test } from "../support/login.ts";

/**
 * Each demo user signs in through the local issuer's real page and sees only what they may do.
 * dev@contoso.test's scoped Requester assignments are the BFF's demo seed (apps/bff/src/rbac/demo-assignments.ts):
 * the Contoso-Dev subscription and the production web tier, resource group rg-web-prod.
 */
const devProdResourceGroup = "rg-web-prod";
const devSubscriptionId = demoExpectations.vms.find((vm) => vm.name.startsWith("vm-dev-"))!.subscriptionId;
const visibleToDev = demoExpectations.vms.filter((vm) => vm.subscriptionId === devSubscriptionId || vm.resourceGroup === devProdResourceGroup);
const prodInScope = visibleToDev.find((vm) => vm.tab === "Recommended" && vm.resourceGroup === devProdResourceGroup)!;
const prodOutOfScope = demoExpectations.vms.find((vm) => vm.tab === "Recommended" && vm.name.startsWith("vm-prod-") && vm.resourceGroup !== devProdResourceGroup)!;

function nav(page: Page) {
  return page.getByRole("navigation", { name: "Main" });
}

async function openRecommended(page: Page) {
  await page.getByRole("tab", { name: /^Recommended/ }).click();
  await expect(page.getByRole("table", { name: "Recommended VMs" })).toHaveAttribute("aria-busy", "false");
}

test("the admin sees every page, the Refresh button and selectable Recommended rows", async ({ login }) => {
  const admin = await login({ user: "admin" });

  await expect(signedInUser(admin)).toContainText("Admin");
  await expect(nav(admin).getByRole("link", { name: "Just-in-time VM access" })).toBeVisible();
  await expect(nav(admin).getByRole("link", { name: "Activity log" })).toBeVisible();
  await expect(nav(admin).getByRole("link", { name: "Access control" })).toBeVisible();
  await expect(admin.getByRole("button", { name: "Refresh" })).toBeVisible();

  await openRecommended(admin);
  await expect(admin.getByRole("tab", { name: `Recommended (${demoExpectations.tabs.recommended})` })).toBeVisible();
  const select = admin.getByRole("checkbox", { name: `Select ${prodOutOfScope.name}` });
  await select.check();
  await expect(admin.getByRole("status").filter({ hasText: "selected" })).toHaveText("1 selected");
});

test("a scoped Requester sees only the VMs in their scopes, and no admin actions", async ({ login }) => {
  const dev = await login({ user: "dev" });

  await expect(signedInUser(dev)).toContainText("Requester (2 scopes)");
  await expect(nav(dev).getByRole("link", { name: "Just-in-time VM access" })).toBeVisible();
  await expect(nav(dev).getByRole("link", { name: "Access control" })).toHaveCount(0);
  // Requesters read the activity log of their own requests (the BFF filters the events to theirs).
  await expect(nav(dev).getByRole("link", { name: "Activity log" })).toBeVisible();
  await expect(dev.getByRole("button", { name: "Refresh" })).toHaveCount(0);

  const recommended = visibleToDev.filter((vm) => vm.tab === "Recommended").length;
  await openRecommended(dev);
  await expect(dev.getByRole("tab", { name: `Recommended (${recommended})` })).toBeVisible();
  await expect(dev.getByRole("row", { name: new RegExp(prodInScope.name) })).toBeVisible();
  await expect(dev.getByRole("row", { name: /vm-dev-api-01/ })).toBeVisible();
  // Requesters may not enable JIT: no selection column at all.
  await expect(dev.getByRole("checkbox")).toHaveCount(0);

  await dev.getByLabel("Filter by name").fill(prodOutOfScope.name);
  await expect(dev.getByText("No VMs match these filters.")).toBeVisible();
  await expect(dev.getByRole("row", { name: new RegExp(prodOutOfScope.name) })).toHaveCount(0);

  await dev.goto("/access-control");
  await expect(dev.getByRole("heading", { name: "You cannot open this page" })).toBeVisible();
});

test("the auditor finds the Activity log in the navigation but not Access control", async ({ login }) => {
  const auditor = await login({ user: "auditor" });

  await expect(signedInUser(auditor)).toContainText("Auditor");
  await expect(nav(auditor).getByRole("link", { name: "Access control" })).toHaveCount(0);
  await expect(auditor.getByRole("button", { name: "Refresh" })).toHaveCount(0);
  await nav(auditor).getByRole("link", { name: "Activity log" }).click();
  await expect(auditor.getByRole("heading", { name: "Activity log" })).toBeVisible();
});

test("a user without any Portcullis role sees the no-access page instead of the JIT page", async ({ login }) => {
  const reader = await login({ user: "reader" });

  await expect(reader.getByRole("heading", { name: "No access" })).toBeVisible();
  await expect(reader.getByText("You are signed in as Riley Reader (reader@contoso.test) but have no Portcullis role. Ask an administrator for access.")).toBeVisible();
  await expect(signedInUser(reader)).toContainText("No role");
  await expect(reader.getByRole("heading", { name: "Just-in-time VM access" })).toHaveCount(0);
  await expect(nav(reader).getByRole("link")).toHaveCount(0);
});

test("signing out ends the session and returns to the signed-out landing page", async ({ login }) => {
  const admin = await login({ user: "admin" });

  await admin.getByRole("button", { name: "Sign out" }).click();
  // The local issuer asks before ending its session.
  await expect(admin.getByRole("heading", { name: "Sign out" })).toBeVisible();
  await admin.getByRole("button", { name: "Sign out" }).click();
  await expect(admin.getByRole("heading", { name: "Sign in to Portcullis" })).toBeVisible();
  await expect(signedInUser(admin)).toHaveCount(0);

  // Signed out at the issuer too: signing in again asks for credentials instead of reusing a session.
  await admin.goto("/jit");
  await admin.getByRole("button", { name: "Sign in" }).click();
  await expect(admin.getByLabel("Password")).toBeVisible();
});

test("a wrong password is refused on the sign-in page", async ({ page }) => {
  await submitSignIn(page, demoUser("admin").username, `${demoPassword}-wrong`);

  await expect(page.getByRole("alert")).toHaveText("Wrong username or password");
  await expect(page.getByLabel("Password")).toBeVisible();
});

test("an admin grants a role on the Access control page, the user gains access, and the admin removes it", async ({ login }) => {
  const admin = await login({ user: "admin" });
  const reader = demoUser("reader");
  await nav(admin).getByRole("link", { name: "Access control" }).click();
  await expect(admin.getByRole("heading", { name: "Access control" })).toBeVisible();
  // The seeded assignments show their scopes by name.
  await expect(admin.getByRole("row", { name: /Dana Developer/ }).filter({ hasText: `Resource group ${devProdResourceGroup} in Contoso-Prod` })).toBeVisible();

  await admin.getByRole("button", { name: "Add role assignment" }).click();
  const dialog = admin.getByRole("dialog", { name: "Add role assignment" });
  await expect(dialog.getByRole("radio", { name: "User" })).toBeChecked();
  await dialog.getByLabel("Principal ID").fill(reader.oid);
  await dialog.getByLabel("Display name").fill(reader.name);
  await dialog.getByLabel("Role").click();
  await admin.getByRole("option", { name: "Auditor" }).click();
  // A scope of none of the four forms: the server's 400 appears on the Scope field.
  await dialog.getByLabel("Scope").fill("/tenants/contoso");
  await dialog.getByRole("button", { name: "Add", exact: true }).click();
  await expect(dialog.getByText(/^Scope must be \//)).toBeVisible();
  await dialog.getByLabel("Scope").fill("/");
  await dialog.getByRole("button", { name: "Add", exact: true }).click();
  await expect(dialog).toHaveCount(0);
  const granted = admin.getByRole("row", { name: new RegExp(reader.name) });
  await expect(granted).toContainText("Auditor");
  await expect(granted).toContainText("Tenant (all subscriptions)");
  await expect(granted).toContainText("Alex Admin");

  const readerPage = await login({ user: "reader" });
  await expect(readerPage.getByRole("heading", { name: "Just-in-time VM access" })).toBeVisible();
  await expect(nav(readerPage).getByRole("link", { name: "Activity log" })).toBeVisible();

  await granted.getByRole("button", { name: "Remove" }).click();
  const confirm = admin.getByRole("dialog", { name: "Remove role assignment?" });
  await expect(confirm).toContainText(`${reader.name} will lose the Auditor role at Tenant (all subscriptions).`);
  await confirm.getByRole("button", { name: "Remove" }).click();
  await expect(confirm).toHaveCount(0);
  await expect(admin.getByRole("row", { name: new RegExp(reader.name) })).toHaveCount(0);

  await readerPage.reload();
  await expect(readerPage.getByRole("heading", { name: "No access" })).toBeVisible();
});

test("a deep link survives signing in: the user lands on the page they asked for", async ({ page }) => {
  const admin = demoUser("admin");
  await page.goto("/access-control");
  await expect(page.getByRole("heading", { name: "Sign in to Portcullis" })).toBeVisible();
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByLabel("Username").fill(admin.username);
  await page.getByLabel("Password").fill(demoPassword);
  await page.getByRole("button", { name: "Sign in" }).click();

  await expect(page).toHaveURL(/\/access-control$/);
  await expect(page.getByRole("heading", { name: "Access control" })).toBeVisible();
});

test("when the API refuses the access token, the SPA renews it silently and retries", async ({ login }) => {
  const admin = await login({ user: "admin" });
  const sent: string[] = [];
  await admin.route("**/api/me", async (route) => {
    sent.push(route.request().headers()["authorization"] ?? "");
    if (sent.length === 1) {
      await route.fulfill({ status: 401, json: { error: { code: "Unauthorized", message: "The access token has expired." } } });
    } else {
      await route.continue();
    }
  });
  const renewal = admin.waitForRequest((request) => request.url().includes("/oidc/oauth2/v2.0/token") && request.method() === "POST");

  await admin.reload();

  await renewal;
  await expect(signedInUser(admin)).toContainText("Admin");
  await expect(admin.getByRole("heading", { name: "Just-in-time VM access" })).toBeVisible();
  expect(sent).toHaveLength(2);
  expect(sent[1]).toMatch(/^Bearer \S+$/);
  expect(sent[1]).not.toBe(sent[0]);
});
