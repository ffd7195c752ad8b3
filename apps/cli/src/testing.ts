import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { demoPassword } from "@portcullis/local-issuer";
import { TestBrowser } from "@portcullis/local-issuer/testing";
import { processIo, type CliIo } from "./context.ts";
import { main } from "./program.ts";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A running command whose output can be watched while it runs (login waiting for the device code, --wait). */
export interface RunningCli {
  stderrSoFar(): string;
  done: Promise<CliRun>;
}

function collect(stream: PassThrough): () => string {
  let text = "";
  stream.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
  return () => text;
}

/** Runs `portcullis <args>` in-process with its own config directory and environment; output is captured. */
export function startCli(args: readonly string[], env: Record<string, string | undefined>, overrides: Partial<CliIo> = {}): RunningCli {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out = collect(stdout);
  const err = collect(stderr);
  const io: CliIo = { ...processIo(), stdout, stderr, env, cwd: env["PORTCULLIS_TEST_CWD"] ?? process.cwd(), ...overrides };
  const done = main(args, io).then((code) => ({ code, stdout: out(), stderr: err() }));
  return { stderrSoFar: err, done };
}

export function runCli(args: readonly string[], env: Record<string, string | undefined>): Promise<CliRun> {
  return startCli(args, env).done;
}

export async function tempConfigDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), "portcullis-cli-config-"));
}

export async function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * What a browser does with the sign-in URL the CLI opens: the issuer's login page, the user's name and password,
 * and the redirect back to the CLI's loopback listener with the code.
 */
export async function completeBrowserLogin(authorizeUrl: string, username: string, password: string = demoPassword): Promise<void> {
  const start = new URL(authorizeUrl);
  const atIssuer = (url: URL) => url.origin === start.origin;
  const browser = new TestBrowser();
  const login = await browser.follow(start, atIssuer);
  if (login.response.status !== 200) throw new Error(`expected the login page, got ${login.response.status}`);
  const posted = await browser.submitForm(login.url, { username, password });
  if (posted.status !== 303) throw new Error(`sign-in as ${username} failed with ${posted.status}`);
  const { response, url } = await browser.follow(new URL(posted.headers.get("location") ?? "", login.url), atIssuer);
  // MSAL Node asks for response_mode=form_post: the issuer answers with a page whose script posts the code to the
  // loopback listener, under the CSP the BFF sets (script by hash, form-action to loopback addresses).
  const html = await response.text();
  const csp = response.headers.get("content-security-policy") ?? "";
  const action = formAction(html, url);
  if (!["localhost", "127.0.0.1"].includes(action.hostname)) throw new Error(`sign-in ended at ${url.href} without a form to the CLI`);
  if (!/form-action [^;]*http:\/\/localhost:\*/.test(csp) || !/script-src [^;]*'sha256-/.test(csp)) throw new Error(`the form_post page's CSP would stop a browser: ${csp}`);
  const back = await fetch(action, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(hiddenFields(html)).toString() });
  if (!back.ok) throw new Error(`the CLI's loopback listener answered ${back.status}`);
}

function hiddenFields(html: string): Record<string, string> {
  return Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\s*\/?>/g)].map((m) => [m[1] ?? "", m[2] ?? ""]));
}

function formAction(html: string, pageUrl: URL): URL {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (action === undefined) throw new Error(`no form on ${pageUrl.pathname}`);
  return new URL(action.replace(/&amp;/g, "&"), pageUrl);
}

/**
 * Does what a person does with the device code the CLI printed: opens the verification page in a browser, types
 * the code, confirms the device, and signs in as `username` on the issuer's login page.
 */
export async function completeDeviceLogin(cliOutput: string, username: string, password: string = demoPassword): Promise<void> {
  const match = /open (\S+) and enter the code (\S+)/.exec(cliOutput);
  if (match === null) throw new Error(`the CLI printed no device code: ${cliOutput}`);
  const [, verificationUri = "", userCode = ""] = match;
  const issuer = new URL(verificationUri);
  const atIssuer = (url: URL) => url.origin === issuer.origin;
  const browser = new TestBrowser();
  const input = await browser.request(issuer);
  const inputHtml = await input.text();
  const confirm = await browser.submitForm(formAction(inputHtml, issuer), { ...hiddenFields(inputHtml), user_code: userCode });
  const confirmHtml = await confirm.text();
  if (!confirmHtml.includes(userCode)) throw new Error(`the confirmation page does not show the code: ${confirmHtml.slice(0, 300)}`);
  const confirmed = await browser.submitForm(formAction(confirmHtml, issuer), { ...hiddenFields(confirmHtml), confirm: "yes" });
  let { response, url } = await browser.follow(new URL(confirmed.headers.get("location") ?? "", issuer), atIssuer);
  const loginHtml = await response.text();
  const posted = await browser.submitForm(url, { username, password });
  if (posted.status !== 303) throw new Error(`sign-in as ${username} failed with ${posted.status}: ${loginHtml.slice(0, 200)}`);
  ({ response, url } = await browser.follow(new URL(posted.headers.get("location") ?? "", url), atIssuer));
  const done = await response.text();
  if (!done.includes("Device signed in")) throw new Error(`the device flow ended at ${url.pathname} with ${response.status}: ${done.slice(0, 300)}`);
}
