// The admin CLI: `npm run cli -- <command> [options] [--json]`, or `npx rivalwatch …`.
// It reads the server's configuration (the environment and .env), so it finds the same
// database, embedded or not, and prints the server's real address in its hints.
import { parseArgs } from "node:util";
import { ConfigError } from "../config.ts";
import { loadEnvFile } from "../env-file.ts";
import { UsageError, type Command, type Out } from "./command.ts";
import { dailyCommands } from "./commands/daily.ts";
import { dataCommands } from "./commands/data.ts";
import { modelCommands } from "./commands/model.ts";
import { setupCommands } from "./commands/setup.ts";

export const commands: Command[] = [...setupCommands, ...dataCommands, ...dailyCommands, ...modelCommands];

const line = (c: Command) => {
  const head = `  ${c.name} ${c.usage.split("\n")[0]}`.trimEnd();
  return head.length < 52 ? `${head.padEnd(54)}${c.summary}` : `${head}\n${" ".repeat(54)}${c.summary}`;
};

const groupOf = (c: Command) => c.name.split(" ")[0]!;
/** The commands with each group's together, groups in the order they first appear. */
const byGroup = () => {
  const order = [...new Set(commands.map(groupOf))];
  return [...commands].sort((a, b) => order.indexOf(groupOf(a)) - order.indexOf(groupOf(b)));
};

export const usage = () =>
  [
    "Usage: npm run cli -- <command> [options] [--json]      (or: npx rivalwatch <command> …)",
    "",
    ...byGroup().map(line),
    "",
    "Help on one command: npm run cli -- help <command>   or   <command> --help",
    "Configuration: the environment and a .env file in this folder, as the server reads them.",
    "",
  ].join("\n");

export function commandHelp(c: Command): string {
  return [`Usage: npm run cli -- ${c.name} ${c.usage}`.trimEnd(), "", `${c.summary[0]!.toUpperCase()}${c.summary.slice(1)}.`, ...(c.details ? ["", c.details] : []), "", "--json prints the result as JSON.", ""].join("\n");
}

/** The commands whose first word is `group` ("alerts" → alerts list, alerts show, …), as a short list. */
function groupHelp(group: string): string | undefined {
  const members = commands.filter((c) => groupOf(c) === group);
  if (members.length === 0) return undefined;
  return [`Commands for ${group}:`, "", ...members.map(line), "", `Help on one: npm run cli -- help ${members[0]!.name}`, ""].join("\n");
}

/** The command named by the leading words of argv (the longest match), and the rest. */
function findCommand(argv: string[]): { command: Command | undefined; words: string[] } {
  const words: string[] = [];
  for (const a of argv) {
    if (a.startsWith("-") || words.length === 2) break;
    words.push(a);
  }
  for (let n = words.length; n > 0; n--) {
    const command = commands.find((c) => c.name === words.slice(0, n).join(" "));
    if (command) return { command, words: words.slice(0, n) };
  }
  return { command: undefined, words };
}

export async function run(argv: string[], out: Out): Promise<void> {
  if (argv[0] === "help") {
    const wanted = argv.slice(1).join(" ");
    const command = commands.find((c) => c.name === wanted);
    const group = command ? undefined : groupHelp(wanted);
    if (!command && !group && wanted) throw new UsageError(`unknown command "${wanted}"`);
    process.stdout.write(command ? commandHelp(command) : (group ?? usage()));
    return;
  }
  const { command, words } = findCommand(argv);
  if (!command) {
    // A group's first word alone ("alerts") lists what the group can do.
    const group = words.length === 1 ? groupHelp(words[0]!) : undefined;
    if (group) {
      process.stdout.write(group);
      return;
    }
    if (words.length === 0 || argv.includes("--help") || argv.includes("-h")) {
      process.stdout.write(usage());
      return;
    }
    throw new UsageError(`unknown command "${words.join(" ")}"`);
  }
  const rest = argv.slice(command.name.split(" ").length);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: { ...command.options, json: { type: "boolean", default: false }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    process.stdout.write(commandHelp(command));
    return;
  }
  await command.run({ values, positionals, out });
}

function main() {
  const json = process.argv.includes("--json");
  // Progress goes to stderr, so stdout stays the result (and valid JSON with --json); on a
  // terminal it rewrites one line, which the result then starts below.
  const tty = process.stderr.isTTY;
  let progressLine = false;
  const out: Out = {
    json,
    print: (human, data) => {
      if (progressLine) process.stderr.write("\n");
      progressLine = false;
      process.stdout.write(json ? JSON.stringify(data, null, 2) + "\n" : human + "\n");
    },
    progress: (text) => {
      if (json) return;
      process.stderr.write(tty ? `\r${text}\x1b[K` : `${text}\n`);
      progressLine = tty;
    },
  };
  let command: Command | undefined;
  Promise.resolve()
    .then(() => {
      loadEnvFile();
      command = findCommand(process.argv.slice(2)).command;
      return run(process.argv.slice(2), out);
    })
    .then(
      () => process.exit(0),
      (err: unknown) => {
        const usageError = err instanceof UsageError || (err instanceof TypeError && "code" in err && String(err.code).startsWith("ERR_PARSE_ARGS"));
        const message = err instanceof Error ? err.message : String(err);
        if (json) process.stdout.write(JSON.stringify({ error: message }) + "\n");
        else process.stderr.write(`${message}\n${usageError ? "\n" + (command ? commandHelp(command) : usage()) : ""}`);
        process.exit(usageError || err instanceof ConfigError ? 2 : 1);
      },
    );
}

main();
