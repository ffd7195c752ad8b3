/** `@portcullis/local-issuer/testing`: what other workspaces' tests use to sign in through the issuer's pages. */
export { TestBrowser } from "./test-browser.ts";
