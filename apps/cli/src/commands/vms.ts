import { InventoryTabSchema } from "@portcullis/contract";
import { Option, type Command } from "commander";
import type { CliContext } from "../context.ts";
import { formatTable } from "../output.ts";
import { listVms } from "../vms.ts";

export function vmCommands(program: Command, ctx: CliContext): void {
  program
    .command("vms")
    .description("list the VMs you may see: configured (JIT on), recommended, or none")
    .addOption(new Option("--tab <tab>", "which tab").choices(InventoryTabSchema.options).default("configured"))
    .option("--filter <text>", "only VMs whose name contains TEXT")
    .addHelpText("after", "\nExamples:\n  $ portcullis vms\n  $ portcullis vms --tab recommended --filter web")
    .action(async (options: { tab: "configured" | "recommended" | "none"; filter?: string }) => {
      const rows = await listVms(await ctx.api(), options.tab, options.filter);
      if (ctx.json) {
        ctx.printJson(rows);
        return;
      }
      ctx.out(
        formatTable(
          ["NAME", "RESOURCE GROUP", "SUBSCRIPTION", "OS", "PRIVATE IP", "REASON"],
          rows.map((vm) => [vm.name, vm.resourceGroup, vm.subscriptionName, vm.osType ?? "", vm.privateIps[0] ?? "", vm.reason]),
          ctx.io.stdout.isTTY === true,
        ),
      );
    });
}
