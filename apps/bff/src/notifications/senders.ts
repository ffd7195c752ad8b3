import { createTransport } from "nodemailer";
import type { EmailContent } from "./render-email.ts";

/** What one attempt got: delivered or not, the HTTP status when there was one, and a short reason. */
export interface SendOutcome {
  ok: boolean;
  statusCode: number | null;
  /**
   * Never the URL (its path is the secret of Teams and Slack webhooks) nor any key. Webhooks: a coarse outcome
   * (`WebhookFailureOutcome` or `http-<status>`), since the delivery log is read by admins of any scope.
   */
  error: string | null;
  /** For the server log only (operators): the network error's code and how far the attempt got, never an address. */
  diagnostic?: string;
  /** Retrying cannot help (nothing to send with, or a refused address): the delivery fails at once. */
  permanent?: boolean;
}

function codeOf(error: unknown): string | undefined {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === "string" ? code : undefined;
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
