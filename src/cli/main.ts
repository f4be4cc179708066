/**
 * The operator CLI: `npm run feed -- <command> …` runs the Worker's domain code in Node.
 * Commands load lazily so that one command's dependencies never slow another.
 */
const commands: Record<
  string,
  { about: string; load: () => Promise<{ main(args: string[]): Promise<number> }> }
> = {
  parse: {
    about: "parse [<source>] <file>         recorded payload → candidates (JSON lines)",
    load: () => import("./parse"),
  },
  rank: {
    about: "rank --profile <p> <files…>      candidates best first with explanations",
    load: () => import("./rank"),
  },
  build: {
    about: "build [--date D] [--profile p]   one issue as canonical JSON",
    load: () => import("./build"),
  },
  read: {
    about: "read <e-print file>              what the writer extracts from a paper's LaTeX (JSON)",
    load: () => import("./read"),
  },
  render: {
    about: "render <issue.json> --channel C  web | markdown | email | telegram",
    load: () => import("./render"),
  },
  "telegram:set-webhook": {
    about: "telegram:set-webhook             register the bot webhook",
    load: () => import("./telegram"),
  },
};

function usage(): string {
  return `usage: npm run feed -- <command> [options]\n\n${Object.values(commands)
    .map((c) => `  ${c.about}`)
    .join("\n")}\n`;
}

async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h") {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`unknown command “${name}”\n${usage()}`);
    return 2;
  }
  try {
    return await (await command.load()).main(rest);
  } catch (err) {
    process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

process.exitCode = await run(process.argv.slice(2));

export {};
