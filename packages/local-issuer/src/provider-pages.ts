import type { ErrorOut, KoaContextWithOIDC } from "oidc-provider";
import { escapeHtml, htmlPage, PAGE_HEADERS } from "./html.ts";

function render(ctx: KoaContextWithOIDC, title: string, body: string): void {
  for (const [name, value] of Object.entries(PAGE_HEADERS)) ctx.set(name, value);
  ctx.body = htmlPage(title, body);
}

/** RP-initiated logout asks before ending the session: oidc-provider's XSRF-protected form (`form`) is trusted markup. */
export function logoutSource(ctx: KoaContextWithOIDC, form: string): void {
  render(
    ctx,
    "Sign out",
    `<h1>Sign out</h1>
<p>Sign out of the Portcullis demo issuer?</p>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button>
<button type="submit" form="op.logoutForm">Stay signed in</button>`,
  );
}

export function postLogoutSuccessSource(ctx: KoaContextWithOIDC): void {
  render(ctx, "Signed out", `<h1>Signed out</h1><p>You are signed out. You can close this window.</p>`);
}

export function renderError(ctx: KoaContextWithOIDC, out: ErrorOut): void {
  const description = typeof out.error_description === "string" ? `<p>${escapeHtml(out.error_description)}</p>` : "";
  render(ctx, "Sign-in error", `<h1>Sign-in error</h1><p><code>${escapeHtml(String(out.error))}</code></p>${description}`);
}
