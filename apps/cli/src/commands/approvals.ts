import { AccessRequestSchema, ListAccessRequestsResponseSchema } from "@portcullis/contract";
import type { Command } from "commander";
import type { CliContext } from "../context.ts";
import { CliError, ExitCode } from "../errors.ts";
import { formatTable, shortTime } from "../output.ts";
import { checkId } from "./access.ts";

export function approvalCommands(program: Command, ctx: CliContext): void {
  program
    .command("approvals")
    .description("requests waiting for your decision")
    .addHelpText("after", "\nExample:\n  $ portcullis approvals")
    .action(async () => {
      const query = new URLSearchParams({ scope: "approvals", status: "pending", pageSize: "500" });
      const { items } = await (await ctx.api()).get(`/api/access-requests?${query}`, ListAccessRequestsResponseSchema);
      if (ctx.json) {
        ctx.printJson(items);
        return;
      }
      ctx.out(
        formatTable(
          ["ID", "REQUESTER", "VM", "PORTS", "FOR", "REASON", "NEEDS", "ASKED"],
          items.map((r) => [
            r.id,
            r.requester.username,
            r.vmName,
            r.ports.map((p) => p.port).join(","),
            `${r.durationMinutes}m`,
            r.justification ?? "",
            `${r.approval.remaining} more${r.canDecide ? "" : " (not yours to decide)"}`,
            shortTime(r.createdAt),
          ]),
          ctx.io.stdout.isTTY === true,
        ),
      );
    });

  program
    .command("approve")
    .description("approve a request (the last approval opens the ports)")
    .argument("<id>", "access request id")
    .option("--comment <text>", "a note for the requester and the activity log")
    .addHelpText("after", "\nExample:\n  $ portcullis approve 9a1b...-... --comment \"ok for the release\"")
    .action(async (id: string, options: { comment?: string }) => {
      const body = options.comment === undefined ? {} : { comment: options.comment };
      const request = await (await ctx.api()).post(`/api/access-requests/${checkId(id, "request")}/approve`, AccessRequestSchema, body);
      if (ctx.json) ctx.printJson(request);
      else ctx.out(request.status === "opened" ? `Approved: ${request.vmName} is open for ${request.requester.username}` : `Approved: ${request.approval.remaining} more approval(s) needed`);
    });

  program
    .command("deny")
    .description("deny a request, saying why")
    .argument("<id>", "access request id")
    .option("--comment <text>", "why (required; the requester sees it)")
    .addHelpText("after", "\nExample:\n  $ portcullis deny 9a1b...-... --comment \"use the staging VM\"")
    .action(async (id: string, options: { comment?: string }) => {
      if (options.comment === undefined || options.comment.trim() === "") throw new CliError("--comment: say why the request is denied", ExitCode.usage);
      const request = await (await ctx.api()).post(`/api/access-requests/${checkId(id, "request")}/deny`, AccessRequestSchema, { comment: options.comment });
      if (ctx.json) ctx.printJson(request);
      else ctx.out(`Denied request ${request.id} of ${request.requester.username}`);
    });
}
