import { createTransport } from "nodemailer";
import type { EmailContent } from "./render-email.ts";
import type { HttpDelivery } from "./render-webhook.ts";

/** What one attempt got: delivered or not, the HTTP status when there was one, and a short reason. */
export interface SendOutcome {
  ok: boolean;
  statusCode: number | null;
  /** Never the URL (its path is the secret of Teams and Slack webhooks) nor any key. */
  error: string | null;
  /** Retrying cannot help (nothing to send with): the delivery fails at once. */
  permanent?: boolean;
}

function codeOf(error: unknown): string | undefined {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === "string" ? code : undefined;
}

/** A fetch failure in words, naming the network error's code rather than repeating a message that may hold the URL. */
function fetchFailure(error: unknown, timeoutMs: number): string {
  const name = error instanceof Error ? error.name : "";
  if (name === "TimeoutError" || name === "AbortError") return `no answer within ${Math.round(timeoutMs / 100) / 10} s (timed out)`;
  const cause = error instanceof Error ? error.cause : undefined;
  const code = codeOf(cause) ?? codeOf(error);
  if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") return `no answer within ${Math.round(timeoutMs / 100) / 10} s (timed out)`;
  return code === undefined ? "the request failed (network error)" : `the request failed (${code})`;
}

/**
 * POSTs once, with a deadline for the whole exchange. Redirects are not followed (a 3xx is a failure): a
 * receiver must not bounce the delivery, and its signature, to another host such as an internal one.
 */
export async function postOnce(url: string, delivery: HttpDelivery, timeoutMs: number): Promise<SendOutcome> {
  let response: Response;
  try {
    response = await fetch(url, { method: "POST", headers: delivery.headers, body: delivery.body, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    return { ok: false, statusCode: null, error: fetchFailure(error, timeoutMs) };
  }
  // The answer's body is not needed; dropping it frees the connection.
  await response.body?.cancel().catch(() => undefined);
  if (response.status >= 200 && response.status < 300) return { ok: true, statusCode: response.status, error: null };
  const reason = response.status >= 300 && response.status < 400 ? " (redirects are not followed)" : "";
  return { ok: false, statusCode: response.status, error: `the endpoint answered ${response.status}${response.statusText === "" ? "" : ` ${response.statusText}`}${reason}` };
}

export interface Mailer {
  send(to: readonly string[], content: EmailContent): Promise<SendOutcome>;
  close(): void;
}

/** SMTP through nodemailer (`SMTP_URL`), each phase bounded by the attempt timeout. */
export function createMailer(settings: { smtpUrl: string; from: string; timeoutMs: number }): Mailer {
  const transport = createTransport({
    url: settings.smtpUrl,
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
    dnsTimeout: settings.timeoutMs,
  });
  const password = decodeURIComponent(new URL(settings.smtpUrl).password);
  const scrub = (text: string): string => (password === "" ? text : text.split(password).join("***"));
  return {
    async send(to, content) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${settings.timeoutMs / 1000} s (timed out)`), { code: "ETIMEDOUT" })), settings.timeoutMs + 1000);
      });
      try {
        await Promise.race([transport.sendMail({ from: settings.from, to: [...to], subject: content.subject, text: content.text, html: content.html }), deadline]);
        return { ok: true, statusCode: null, error: null };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const code = codeOf(error);
        return { ok: false, statusCode: null, error: scrub(`SMTP: ${message.slice(0, 300)}${code === undefined || message.includes(code) ? "" : ` (${code})`}`) };
      } finally {
        clearTimeout(timer);
      }
    },
    close() {
      transport.close();
    },
  };
}
