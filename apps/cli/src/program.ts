import { Command, CommanderError } from "commander";
import { accessCommands } from "./commands/access.ts";
import { activityCommands } from "./commands/activity.ts";
import { approvalCommands } from "./commands/approvals.ts";
import { connectCommands } from "./commands/connect.ts";
import { sessionCommands } from "./commands/session.ts";
import { vmCommands } from "./commands/vms.ts";
import { CliContext, processIo, type CliIo } from "./context.ts";
import { CliError, ExitCode } from "./errors.ts";

function buildProgram(ctx: CliContext): Command {
  const program = new Command("portcullis")
    .description("Just-in-time access to Azure VMs: request, wait for approval, connect")
    .option("--json", "print results as JSON (for scripts)")
    .showHelpAfterError("(add --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: (text) => ctx.io.stdout.write(text), writeErr: (text) => ctx.io.stderr.write(text) })
    .addHelpText("after", "\nExample (30 seconds):\n  $ npx portcullis login --url http://localhost:8080\n  $ npx portcullis ssh vm-dev-api-01 --reason \"check the logs\"");
  program.hook("preAction", (_root, action) => {
    ctx.json = action.optsWithGlobals<{ json?: boolean }>().json === true;
  });
  sessionCommands(program, ctx);
  vmCommands(program, ctx);
  accessCommands(program, ctx);
  connectCommands(program, ctx);
  approvalCommands(program, ctx);
  activityCommands(program, ctx);
  for (const command of program.commands) command.exitOverride().configureOutput({ writeOut: (text) => ctx.io.stdout.write(text), writeErr: (text) => ctx.io.stderr.write(text) });
  return program;
}

/** Runs one command line; resolves with the exit code (never throws, never exits the process). */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const ctx = new CliContext(io);
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed the help or the usage error already.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (error instanceof CliError) {
      io.stderr.write(`portcullis: ${error.message}\n`);
      return error.exitCode;
    }
    // Never a stack trace: one line, and the cause's name for a bug report.
    io.stderr.write(`portcullis: unexpected error (${error instanceof Error ? `${error.name}: ${error.message.split("\n")[0] ?? ""}` : String(error)})\n`);
    return ExitCode.error;
  }
}
