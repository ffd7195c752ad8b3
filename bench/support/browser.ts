import { existsSync } from "node:fs";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright";

/** Playwright's own browser download is not available on these machines; Debian's Chromium is. */
export const debianChromium = "/usr/bin/chromium";
/** The same flags as the e2e suite (e2e/playwright.config.ts): no sandbox in containers, nothing phoning home. */
export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(debianChromium)) throw new Error(`${debianChromium} is missing (apt-get install -y chromium)`);
  return chromium.launch({ executablePath: debianChromium, args: chromiumArgs });
}

/** Through the portal's landing page and the local issuer's real sign-in form, as e2e/support/login.ts does. */
export async function signInThroughIssuer(page: Page, username: string, password: string, displayName: string): Promise<void> {
  await page.goto("/");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("group", { name: "Signed-in user" }).getByText(displayName).waitFor({ state: "visible", timeout: 60_000 });
}

/** Something whose first appearance on screen ends a measured navigation: an element matching `selector` whose text matches `text`. */
export interface ScreenMarker {
  /** A JavaScript identifier, unique per context. */
  id: string;
  selector: string;
  text: RegExp;
}

const shownAtKey = (marker: ScreenMarker) => `__benchShownAt_${marker.id}`;

/**
 * Makes every document of the context note when the marker first appears: a MutationObserver sees it enter the
 * DOM, and the time is taken after the next frame (so it has been painted), relative to the navigation start.
 * Playwright's own waitFor polls at growing intervals (up to 500 ms) and would blur the numbers.
 */
export async function installScreenMarker(context: BrowserContext, marker: ScreenMarker): Promise<void> {
  const script = `(() => {
    const key = ${JSON.stringify(shownAtKey(marker))};
    const selector = ${JSON.stringify(marker.selector)};
    const text = new RegExp(${JSON.stringify(marker.text.source)}, ${JSON.stringify(marker.text.flags)});
    const present = () => Array.from(document.querySelectorAll(selector)).some((element) => text.test(element.textContent || ""));
    const observer = new MutationObserver(() => {
      if (!present()) return;
      observer.disconnect();
      requestAnimationFrame(() => setTimeout(() => { window[key] = performance.now(); }, 0));
    });
    observer.observe(document, { childList: true, subtree: true, characterData: true });
  })();`;
  await context.addInitScript({ content: script });
}

/**
 * Milliseconds from the start of a navigation to `path` until the marker was painted. Each load starts from
 * about:blank, so nothing of the previous load is on screen.
 */
export async function timeNavigation(page: Page, path: string, marker: ScreenMarker, timeoutMs: number): Promise<number> {
  await page.goto("about:blank");
  await page.goto(path, { waitUntil: "commit", timeout: timeoutMs });
  await page.locator(marker.selector).filter({ hasText: marker.text }).first().waitFor({ state: "visible", timeout: timeoutMs });
  const shownAt = await page.waitForFunction(`window[${JSON.stringify(shownAtKey(marker))}]`, undefined, { timeout: timeoutMs });
  const ms = await shownAt.jsonValue();
  await shownAt.dispose();
  if (typeof ms !== "number") throw new Error(`the page noted ${String(ms)} for ${marker.id}`);
  return ms;
}
