import type { Locator, Page } from "@playwright/test";
import { expect } from "./login.ts";

/** The page never scrolls sideways: everything is laid out within the phone's width. */
export async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const [scrollWidth, innerWidth] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  expect(scrollWidth, "the page is wider than the screen").toBeLessThanOrEqual(innerWidth);
}

/**
 * Taps a control as a thumb would. Once it is scrolled to, the control as drawn (for a switch or checkbox, its visible
 * box rather than the transparent input laid over a wider area) must lie wholly on the screen, the page must not scroll
 * sideways, and the point at its centre must belong to it, so no backdrop or bar catches the tap.
 */
export async function tap(control: Locator): Promise<void> {
  const viewport = control.page().viewportSize();
  expect(viewport).not.toBeNull();
  // Drawers slide in and menus fade out: the control must come to rest on the screen, within a few seconds.
  await expect(async () => {
    await control.scrollIntoViewIfNeeded();
    const placement = await control.evaluate((element) => {
      const drawn = element instanceof HTMLInputElement && getComputedStyle(element).opacity === "0" ? (element.parentElement ?? element) : element;
      const box = drawn.getBoundingClientRect();
      const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      const hitsControl = hit !== null && (drawn.contains(hit) || hit.contains(drawn) || element.contains(hit));
      return { left: box.left, top: box.top, right: box.right, bottom: box.bottom, hitsControl, hit: hit ? `${hit.tagName}.${hit.className}` : "nothing" };
    });
    expect(placement.left, "the control starts left of the screen").toBeGreaterThanOrEqual(0);
    expect(placement.top, "the control starts above the screen").toBeGreaterThanOrEqual(0);
    expect(placement.right, "the control ends beyond the screen's right edge").toBeLessThanOrEqual(viewport!.width);
    expect(placement.bottom, "the control ends below the screen").toBeLessThanOrEqual(viewport!.height);
    expect(placement.hitsControl, `a tap at the control's centre lands on ${placement.hit}`).toBe(true);
  }).toPass({ timeout: 5_000 });
  await expectNoSidewaysScroll(control.page());
  await control.tap();
}

/** Types into a field after checking, as `tap` does, that it is on the screen. */
export async function fill(field: Locator, value: string): Promise<void> {
  await tap(field);
  await field.fill(value);
}

/** Goes to a page through the navigation drawer that the top bar's menu button opens. */
export async function navigateTo(page: Page, label: string): Promise<void> {
  const menu = page.getByRole("button", { name: "Menu", exact: true });
  await tap(menu);
  const nav = page.getByRole("navigation", { name: "Main" });
  await tap(nav.getByRole("link", { name: label }));
  // Choosing a page closes the drawer, so it no longer covers the page.
  await expect(nav).toBeHidden();
  await expect(menu).toHaveAttribute("aria-expanded", "false");
}
