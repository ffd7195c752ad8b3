import { request as httpRequest } from "node:http";
import { request as httpsRequest, type RequestOptions } from "node:https";
import type { WebhookFailureOutcome } from "@portcullis/contract";
import { pinnedLookup, vetHost, type AddressPolicy, type PinnedAddress } from "./address-guard.ts";
import type { HttpDelivery } from "./render-webhook.ts";
import type { SendOutcome } from "./senders.ts";

export interface WebhookClient {
  /** One attempt's deadline: resolving, connecting, sending and the answer's headers. */
  timeoutMs: number;
  addresses: AddressPolicy;
  /** Tests only: the CA to trust instead of the system's (a local HTTPS receiver's certificate). */
  tlsCa?: string;
}

/** How far an attempt got, which tells a TLS failure from an unreachable host whatever the error's code. */
type Stage = "connecting" | "handshaking" | "exchanging";

/** OpenSSL's certificate and handshake errors, and node's TLS errors. */
const tlsCodes = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|EPROTO$)/;

function codeOf(error: unknown): string {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === "string" ? code : "no code";
}

function failure(outcome: WebhookFailureOutcome, diagnostic: string, permanent = false): SendOutcome {
  return { ok: false, statusCode: null, error: outcome, diagnostic, ...(permanent ? { permanent } : {}) };
}

/** The log keeps the outcome only: a socket code or address per target would map the network behind the server. */
function networkFailure(error: unknown, stage: Stage, secure: boolean): SendOutcome {
  const code = codeOf(error);
  const tls = secure && (stage === "handshaking" || tlsCodes.test(code));
  return failure(tls ? "tls-error" : "unreachable", `${code} while ${stage}`);
}

function answered(status: number): SendOutcome {
  if (status >= 200 && status < 300) return { ok: true, statusCode: status, error: null };
  return { ok: false, statusCode: status, error: `http-${status}`, ...(status >= 300 && status < 400 ? { diagnostic: "redirects are not followed" } : {}) };
}

/**
 * One POST over a connection to the checked addresses only. Redirects are not followed (a 3xx is a failure): a
 * receiver must not bounce the delivery, and its signature, to another host such as an internal one.
 */
function postTo(url: URL, delivery: HttpDelivery, addresses: readonly PinnedAddress[], timeoutMs: number, tlsCa: string | undefined): Promise<SendOutcome> {
  const secure = url.protocol === "https:";
  const body = Buffer.from(delivery.body, "utf8");
  const options: RequestOptions = {
    method: "POST",
    headers: { ...delivery.headers, "Content-Length": String(body.length) },
    // A new connection per attempt: a pooled one would skip the lookup, and could outlive the check.
    agent: false,
    lookup: pinnedLookup(addresses),
    ...(secure && tlsCa !== undefined ? { ca: tlsCa } : {}),
  };
  return new Promise((resolve) => {
    let stage: Stage = "connecting";
    let settled = false;
    const req = (secure ? httpsRequest : httpRequest)(url, options, (res) => {
      // The answer's body is not needed; the connection is not reused either.
      res.destroy();
      finish(answered(res.statusCode ?? 0));
    });
    req.on("socket", (socket) => {
      socket.once("connect", () => {
        if (stage === "connecting") stage = secure ? "handshaking" : "exchanging";
      });
      socket.once("secureConnect", () => {
        stage = "exchanging";
      });
    });
    const timer = setTimeout(() => {
      finish(failure("timeout", `no answer within ${timeoutMs} ms (while ${stage})`));
      req.destroy();
    }, timeoutMs);
    function finish(outcome: SendOutcome): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    }
    req.on("error", (error) => finish(networkFailure(error, stage, secure)));
    req.end(body);
  });
}

/**
 * Checks the target's addresses again (the DNS answer may have changed since the subscription was saved), then POSTs
 * to them. A refused address fails the delivery for good: retrying would only give whoever answers that DNS name
 * more tries.
 */
export async function postWebhook(target: string, delivery: HttpDelivery, client: WebhookClient): Promise<SendOutcome> {
  const url = new URL(target);
  const started = Date.now();
  const verdict = await vetHost(url, client.addresses, client.timeoutMs);
  if (verdict.kind === "unresolved") return failure("unreachable", "the host did not resolve");
  if (verdict.kind === "refused") return failure("refused-address", `the host resolves to a ${verdict.addressClass} address`, true);
  return postTo(url, delivery, verdict.addresses, Math.max(1, client.timeoutMs - (Date.now() - started)), client.tlsCa);
}
