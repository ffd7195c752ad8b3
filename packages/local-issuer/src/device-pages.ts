import type { KoaContextWithOIDC } from "oidc-provider";
import { escapeHtml, htmlPage, PAGE_HEADERS } from "./html.ts";

/**
 * The device flow's pages (RFC 8628) in the issuer's own look: no script and no third-party fonts, so they pass
 * the pages' CSP. `form` is oidc-provider's XSRF-protected form markup (trusted); buttons submit it by `form=`.
 */
function render(ctx: KoaContextWithOIDC, title: string, body: string): void {
  for (const [name, value] of Object.entries(PAGE_HEADERS)) ctx.set(name, value);
  ctx.body = htmlPage(title, body);
}

function userCodeInputSource(ctx: KoaContextWithOIDC, form: string, _out: unknown, err: unknown): void {
  const name = err instanceof Error ? err.name : undefined;
  const message =
    err === undefined || err === null
      ? ""
      : name === "NoCodeError" || (typeof err === "object" && "userCode" in err)
        ? "That code is not valid or has expired. Check it and try again."
        : name === "AbortedError"
          ? "The sign-in was cancelled."
          : "The code could not be checked. Try again.";
  render(
    ctx,
    "Sign in a device",
    `<h1>Sign in a device</h1>
<p class="muted">Enter the code the command line shows (local demo issuer).</p>
${message === "" ? "" : `<p class="error" role="alert">${escapeHtml(message)}</p>`}
${form}
<button type="submit" form="op.deviceInputForm">Continue</button>`,
  );
}

function userCodeConfirmSource(ctx: KoaContextWithOIDC, form: string, client: { clientName?: unknown; clientId: string }, _deviceInfo: unknown, userCode: string): void {
  const clientName = typeof client.clientName === "string" ? client.clientName : client.clientId;
  render(
    ctx,
    "Confirm the device",
    `<h1>Confirm the device</h1>
<p><strong>${escapeHtml(clientName)}</strong> asks to sign in as you. The command line should show this code:</p>
<p><code>${escapeHtml(userCode)}</code></p>
<p class="muted">If you did not start this, or the code differs, abort.</p>
${form}
<button type="submit" form="op.deviceConfirmForm" autofocus>Continue</button>
<button type="submit" form="op.deviceConfirmForm" name="abort" value="yes">Abort</button>`,
  );
}

function successSource(ctx: KoaContextWithOIDC): void {
  render(ctx, "Device signed in", `<h1>Device signed in</h1><p>You can close this window and go back to the command line.</p>`);
}

export const deviceFlowPages = { userCodeInputSource, userCodeConfirmSource, successSource };
