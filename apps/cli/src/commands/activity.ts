import { ActivityEventSchema, isUuid, type ActivityEvent } from "@portcullis/contract";
import { Option, type Command } from "commander";
import type { CliContext } from "../context.ts";
import { parseMinutes } from "../durations.ts";
import { shortTime } from "../output.ts";
import { resolveVm } from "../vms.ts";


async function write(stream: NodeJS.WritableStream, chunk: string | Uint8Array): Promise<void> {
  if (!stream.write(chunk)) await new Promise<void>((resolve) => stream.once("drain", () => resolve()));
}

/** Lines of a streamed body, as they arrive (never the whole body in memory). */
async function* lines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let rest = "";
  for await (const chunk of body) {
    rest += decoder.decode(chunk, { stream: true });
    let newline = rest.indexOf("\n");
    while (newline >= 0) {
      yield rest.slice(0, newline);
      rest = rest.slice(newline + 1);
      newline = rest.indexOf("\n");
    }
  }
  rest += decoder.decode();
  if (rest.trim() !== "") yield rest;
}

const columns = [
  ["TIME", 18],
  ["ACTION", 24],
  ["OUTCOME", 8],
  ["ACTOR", 22],
  ["VM", 22],
] as const;

function row(cells: readonly string[], tty: boolean): string {
  const clean = cells.map((c) => c.replace(/[\t\r\n]+/g, " "));
  if (!tty) return clean.join("\t");
  return clean.map((c, i) => (i < columns.length ? c.padEnd(columns[i]?.[1] ?? 0) : c)).join("  ").trimEnd();
}

function eventCells(event: ActivityEvent): string[] {
  const detail = [event.ports.join(","), event.sources.join(","), event.justification ?? "", event.error ?? ""].filter((s) => s !== "").join(" ");
  return [shortTime(event.at), event.action, event.outcome, event.actor.name, event.vmName ?? "", detail];
}

export function activityCommands(program: Command, ctx: CliContext): void {
  program
    .command("activity")
    .description("the activity log, streamed (yours, or your scopes' for auditors)")
    .option("--since <duration>", "only events newer than this, e.g. 24h, 7d", "24h")
    .option("--vm <vm>", "only events of this VM (name or ARM id)")
    .option("--user <name>", "only events of this actor (object id, or text matched against names)")
    .addOption(new Option("--format <format>", "output format").choices(["table", "csv", "jsonl"]).default("table"))
    .addHelpText("after", "\nExamples:\n  $ portcullis activity --since 7d --vm vm-prod-web-01\n  $ portcullis activity --since 30d --format csv > activity.csv")
    .action(async (options: { since: string; vm?: string; user?: string; format: "table" | "csv" | "jsonl" }) => {
      const api = await ctx.api();
      const from = new Date(Date.now() - parseMinutes(options.since, "--since") * 60_000).toISOString();
      const query = new URLSearchParams({ from });
      if (options.vm !== undefined) query.set("vmId", (await resolveVm(api, options.vm, ["configured", "recommended", "none"])).id);
      if (options.user !== undefined) query.set(isUuid(options.user) ? "userId" : "q", options.user);
      const format = ctx.json ? "jsonl" : options.format;
      const response = await api.raw("GET", `/api/activity/export.${format === "csv" ? "csv" : "jsonl"}?${query}`);
      if (response.body === null) return;
      if (format !== "table") {
        for await (const chunk of response.body) await write(ctx.io.stdout, chunk);
        return;
      }
      const tty = ctx.io.stdout.isTTY === true;
      await write(ctx.io.stdout, `${row([...columns.map(([name]) => name), "DETAILS"], tty)}\n`);
      for await (const line of lines(response.body)) {
        if (line.trim() === "") continue;
        await write(ctx.io.stdout, `${row(eventCells(ActivityEventSchema.parse(JSON.parse(line))), tty)}\n`);
      }
    });
}
