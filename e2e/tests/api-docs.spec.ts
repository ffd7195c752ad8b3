import { expect, test } from "@playwright/test";

test.describe("API reference", () => {
  test("/api/docs renders every documented operation in Chromium without a CSP violation or a request off this server", async ({ page, baseURL }) => {
    const violations: string[] = [];
    const elsewhere: string[] = [];
    page.on("console", (message) => {
      if (/Content[- ]Security[- ]Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    page.on("request", (request) => {
      const url = new URL(request.url());
      if (url.protocol !== "data:" && url.origin !== new URL(baseURL ?? "").origin) elsewhere.push(request.url());
    });
    // Runs in the page (a string, so this Node-typed file needs no DOM types).
    await page.addInitScript(
      'document.addEventListener("securitypolicyviolation", (e) => console.error("Content-Security-Policy violation: " + e.violatedDirective + " " + e.blockedURI));',
    );

    await page.goto("/api/docs");
    await expect(page.getByRole("heading", { name: /Portcullis API/ })).toBeVisible();
    await expect(page.getByText("/api/requests", { exact: true })).toBeVisible();
    await page.getByText("/api/grants/{id}/revoke", { exact: true }).click();
    await expect(page.getByText("Any signed-in caller; what they may see or change is checked per item.").first()).toBeVisible();
    await expect(page.getByRole("heading", { name: "Schemas" })).toBeVisible();
    expect(violations).toEqual([]);
    expect(elsewhere).toEqual([]);
  });
});
