import { parseArgs } from "node:util";

/** Parses `--flag value` options and positionals; unknown flags are an error, not a silent default. */
export function cliArgs<const T extends Record<string, { type: "string" | "boolean"; short?: string }>>(
  args: string[],
  options: T,
) {
  return parseArgs({ args, options, allowPositionals: true, strict: true });
}
