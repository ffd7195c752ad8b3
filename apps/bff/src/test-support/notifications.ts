import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { generate } from "selfsigned";
import { SMTPServer } from "smtp-server";
import type { HostResolver } from "../notifications/address-guard.ts";

/** Test support: an HTTP receiver and an SMTP server on 127.0.0.1 that record what the delivery job sends. */
export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface TestReceiver {
  /** e.g. http://127.0.0.1:41234 (https with a certificate) */
  url: string;
  port: number;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

/** A key and certificate for an HTTPS receiver. */
export interface TestCertificate {
  keyPem: string;
  certPem: string;
}

/** A self-signed certificate (its own CA, to trust in tests) for these host names and 127.0.0.1. */
export async function testCertificate(hostNames: readonly string[]): Promise<TestCertificate> {
  const pems = await generate([{ name: "commonName", value: hostNames[0] ?? "localhost" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "subjectAltName", altNames: [...hostNames.map((value) => ({ type: 2 as const, value })), { type: 7 as const, ip: "127.0.0.1" }] },
    ],
  });
  return { keyPem: pems.private, certPem: pems.cert };
}

/**
 * Answers each request with `answer(request, index)` (its status), or never answers when it returns "hang".
 * The index counts requests from 0. With `tls`, it speaks HTTPS with that certificate.
 */
export async function startReceiver(answer: (request: ReceivedRequest, index: number) => number | "hang" = () => 200, options: { tls?: TestCertificate } = {}): Promise<TestReceiver> {
  const received: ReceivedRequest[] = [];
  const hanging: ServerResponse[] = [];
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request = { path: req.url ?? "/", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      const index = received.push(request) - 1;
      const status = answer(request, index);
      if (status === "hang") hanging.push(res);
      // A redirect points elsewhere on this receiver, so a test sees whether it was followed.
      else res.writeHead(status, { "content-type": "text/plain", ...(status >= 300 && status < 400 ? { location: "/elsewhere" } : {}) }).end(status < 300 ? "ok" : "no");
    });
  };
  const server: Server = options.tls === undefined ? createServer(handle) : createTlsServer({ key: options.tls.keyPem, cert: options.tls.certPem }, handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls === undefined ? "http" : "https"}://127.0.0.1:${port}`,
    port,
    received,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A DNS for tests (they have none): `answers` by host name, editable between calls; every question is recorded. */
export interface FakeDns {
  resolve: HostResolver;
  answers: Map<string, string[]>;
  asked: string[];
}

/** An unknown name fails as getaddrinfo does (ENOTFOUND). */
export function fakeDns(answers: Record<string, string[]> = {}): FakeDns {
  const dns: FakeDns = {
    answers: new Map(Object.entries(answers)),
    asked: [],
    async resolve(host) {
      dns.asked.push(host);
      const found = dns.answers.get(host);
      if (found === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
      return [...found];
    },
  };
  return dns;
}

export interface ReceivedMail {
  from: string | undefined;
  to: string[];
  /** The raw message (headers and MIME body). */
  raw: string;
  /** The user name the client authenticated as. */
  user: string | undefined;
}

export interface TestSmtpServer {
  port: number;
  mails: ReceivedMail[];
  close(): Promise<void>;
}

/** A plain SMTP server (no STARTTLS) accepting one user name and password. */
export async function startSmtpServer(credentials: { user: string; pass: string }): Promise<TestSmtpServer> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === credentials.user && auth.password === credentials.pass) callback(null, { user: auth.username });
      else callback(new Error("Invalid username or password"));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        mails.push({
          from: session.envelope.mailFrom === false ? undefined : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
          user: typeof session.user === "string" ? session.user : undefined,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.server.address() as AddressInfo;
  return { port: address.port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Decodes a quoted-printable MIME part (soft line breaks and =XX escapes) so tests read the text as sent. */
export function decodeQuotedPrintable(text: string): string {
  const bytes = text.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}
