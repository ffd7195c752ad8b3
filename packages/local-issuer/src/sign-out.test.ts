import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MSAL_SCOPE, SPA_CLIENT_ID, openLoginPage, pkcePair, redeemCode, signIn, startIssuer, tokenRequest, type RunningIssuer } from "./testing/issuer-server.ts";
import { TestBrowser } from "./testing/test-browser.ts";

let running: RunningIssuer;
beforeAll(async () => {
  running = await startIssuer();
});
afterAll(() => running.close());

function formOf(html: string): { action: string; xsrf: string } {
  const action = /<form id="op\.logoutForm" method="post" action="([^"]+)"/.exec(html)?.[1];
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
  if (!action || !xsrf) throw new Error("no logout form on the page");
  return { action, xsrf };
}

/** MSAL's logoutRedirect: post_logout_redirect_uri and a correlation id, but no client_id or id_token_hint. */
function msalLogoutUrl(postLogoutUri: string): URL {
  const url = new URL(running.issuer.metadata.end_session_endpoint);
  url.searchParams.set("post_logout_redirect_uri", postLogoutUri);
  url.searchParams.set("client-request-id", "4f0e2d4c-0000-4000-8000-000000000001");
  return url;
}

describe("RP-initiated logout", () => {
  it("when the user confirms, then the session ends, refresh tokens stop working and the browser returns to the registered URI", async () => {
    const browser = new TestBrowser();
    const tokens = await redeemCode(running, await signIn(running, browser, "auditor@contoso.test"));

    const confirmPage = await browser.request(msalLogoutUrl(running.postLogoutUri));
    expect(confirmPage.status).toBe(200);
    const html = await confirmPage.text();
    expect(html).toContain(">Sign out</button>");
    const { action, xsrf } = formOf(html);

    const done = await browser.submitForm(new URL(action, running.origin), { xsrf, logout: "yes" });
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe(running.postLogoutUri);

    const refresh = await tokenRequest(running, { grant_type: "refresh_token", client_id: SPA_CLIENT_ID, refresh_token: String(tokens.body.refresh_token), scope: MSAL_SCOPE });
    expect(refresh.body.error).toBe("invalid_grant");

    const again = await openLoginPage(running, browser, {
      client_id: SPA_CLIENT_ID,
      response_type: "code",
      redirect_uri: running.redirectUri,
      scope: MSAL_SCOPE,
      code_challenge: pkcePair().challenge,
      code_challenge_method: "S256",
    });
    expect(again.html).toContain("<label for=\"password\">Password</label>");
  });

  it("when the post-logout URI is not registered, then the browser is not sent there", async () => {
    const browser = new TestBrowser();
    await signIn(running, browser, "reader@contoso.test");
    const page = await browser.request(msalLogoutUrl("https://evil.example/"));
    const { action, xsrf } = formOf(await page.text());
    const done = await browser.submitForm(new URL(action, running.origin), { xsrf, logout: "yes" });
    expect(done.headers.get("location") ?? "").not.toContain("evil.example");
  });

  it("when the logout form comes without the session's xsrf value, then nobody is signed out", async () => {
    const browser = new TestBrowser();
    const tokens = await redeemCode(running, await signIn(running, browser, "dev@contoso.test"));
    const page = await browser.request(msalLogoutUrl(running.postLogoutUri));
    const { action } = formOf(await page.text());
    const forged = await browser.submitForm(new URL(action, running.origin), { xsrf: "forged", logout: "yes" });
    expect(forged.status).toBe(400);
    const refresh = await tokenRequest(running, { grant_type: "refresh_token", client_id: SPA_CLIENT_ID, refresh_token: String(tokens.body.refresh_token), scope: MSAL_SCOPE });
    expect(refresh.status).toBe(200);
  });
});
