import { test as base, expect, type BrowserContext, type Page } from "@playwright/test";
import { demoPassword, demoUsers, type DemoUser } from "@portcullis/local-issuer";

/** The local issuer's demo users, by the part of their username before `@contoso.test`. */
export type DemoUserKey = "admin" | "dev" | "approver" | "approver2" | "auditor" | "reader";

export function demoUser(key: DemoUserKey): DemoUser {
  const user = demoUsers.find((candidate) => candidate.username === `${key}@contoso.test`);
  if (!user) throw new Error(`The local issuer has no demo user ${key}@contoso.test`);
  return user;
}

/** From the portal's landing page through the REAL local issuer's sign-in form; stops on whatever page follows. */
export async function submitSignIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto("/");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** The portal's top bar, where the signed-in user's name, roles and "Sign out" are. */
export function signedInUser(page: Page) {
  return page.getByRole("group", { name: "Signed-in user" });
}

type LoginFixtures = {
  /**
   * Signs a demo user in, in a browser context of its own (so sessions never leak between users or tests),
   * and returns that context's page once the portal shows the user. Contexts close after the test.
   */
  login: (options: { user: DemoUserKey }) => Promise<Page>;
};

export const test = base.extend<LoginFixtures>({
  login: async ({ browser, baseURL }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async ({ user }) => {
      const context = await browser.newContext({ baseURL });
      contexts.push(context);
      const page = await context.newPage();
      const demo = demoUser(user);
      await submitSignIn(page, demo.username, demoPassword);
      await expect(signedInUser(page)).toContainText(demo.name);
      return page;
    });
    await Promise.all(contexts.map((context) => context.close()));
  },
});

export { expect };
