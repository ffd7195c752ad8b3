import { escapeHtml } from "./html.ts";
import type { DemoUser } from "./types.ts";

export const WRONG_CREDENTIALS = "Wrong username or password";

export interface LoginPageInput {
  action: string;
  clientName: string;
  username: string;
  error: string | undefined;
  users: DemoUser[];
}

function roleLabel(user: DemoUser): string {
  return user.roles.length > 0 ? user.roles.join(", ") : "no tenant role";
}

export function loginPageBody({ action, clientName, username, error, users }: LoginPageInput): string {
  const rows = users
    .map((user) => `<tr><td>${escapeHtml(user.username)}</td><td>${escapeHtml(roleLabel(user))}</td></tr>`)
    .join("");
  return `<h1>Sign in</h1>
<p class="muted">to continue to ${escapeHtml(clientName)} (local demo issuer)</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="${escapeHtml(action)}" autocomplete="on">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required ${username ? "" : "autofocus "}value="${escapeHtml(username)}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${username ? " autofocus" : ""}>
<button type="submit">Sign in</button>
</form>
<details>
<summary class="muted">Demo users (one shared password, see the README)</summary>
<table><thead><tr><th>Account</th><th>Roles</th></tr></thead><tbody>${rows}</tbody></table>
</details>`;
}
