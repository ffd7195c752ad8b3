interface StoredCookie {
  name: string;
  value: string;
  path: string;
}

function defaultPath(url: URL): string {
  const slash = url.pathname.lastIndexOf("/");
  return slash <= 0 ? "/" : url.pathname.slice(0, slash);
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith("/") || requestPath[cookiePath.length] === "/";
}

/**
 * Just enough of a browser for one origin: a cookie jar honouring Path and deletion, and manual redirects, so a
 * test sees every hop of an OAuth flow.
 */
export class TestBrowser {
  readonly #cookies = new Map<string, StoredCookie>();

  cookieNames(): string[] {
    return [...this.#cookies.values()].map((cookie) => cookie.name);
  }

  async request(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const cookie = [...this.#cookies.values()]
      .filter((stored) => pathMatches(target.pathname, stored.path))
      .sort((a, b) => b.path.length - a.path.length)
      .map((stored) => `${stored.name}=${stored.value}`)
      .join("; ");
    const headers = new Headers(init.headers);
    if (cookie) headers.set("cookie", cookie);
    const response = await fetch(target, { ...init, headers, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) this.#store(target, line);
    return response;
  }

  async submitForm(url: string | URL, fields: Record<string, string>): Promise<Response> {
    return this.request(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /** Follows redirects while `keepGoing(nextUrl)` holds; returns the last response and the URL it came from (or points to). */
  async follow(url: string | URL, keepGoing: (next: URL) => boolean, init?: RequestInit): Promise<{ response: Response; url: URL }> {
    let current = new URL(url);
    let response = await this.request(current, init);
    for (let hops = 0; hops < 10; hops++) {
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || location === null) return { response, url: current };
      const next = new URL(location, current);
      if (!keepGoing(next)) return { response, url: next };
      current = next;
      response = await this.request(current);
    }
    throw new Error("too many redirects");
  }

  /**
   * Submits a self-posting form (oidc-provider uses one to end the previous session when another account signs in),
   * as a browser with JavaScript would. Returns undefined when the page is not such a form.
   */
  async submitAutoPostForm(html: string, pageUrl: URL): Promise<{ response: Response; url: URL } | undefined> {
    if (!html.includes("document.forms[0].submit()")) return undefined;
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    if (!action) return undefined;
    const fields = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g)].map((match) => [match[1] ?? "", match[2] ?? ""]));
    const url = new URL(action, pageUrl);
    return { response: await this.submitForm(url, fields), url };
  }

  #store(requestUrl: URL, header: string): void {
    const [pair = "", ...attributes] = header.split(";").map((part) => part.trim());
    const eq = pair.indexOf("=");
    if (eq <= 0) return;
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    let path = defaultPath(requestUrl);
    let expired = value === "";
    for (const attribute of attributes) {
      const [key = "", attributeValue = ""] = attribute.split("=");
      const lower = key.toLowerCase();
      if (lower === "path" && attributeValue.startsWith("/")) path = attributeValue;
      if (lower === "max-age" && Number(attributeValue) <= 0) expired = true;
      if (lower === "expires" && Date.parse(attributeValue) <= Date.now()) expired = true;
    }
    const key = `${name}|${path}`;
    if (expired) this.#cookies.delete(key);
    else this.#cookies.set(key, { name, value, path });
  }
}
