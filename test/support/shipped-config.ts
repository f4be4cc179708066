import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { unstable_readConfig } from "wrangler";

/**
 * Bindings that undo a local `.dev.vars` (which wrangler, and so the vitest plugin, always reads
 * next to wrangler.toml): each of its names gets wrangler.toml's value, or "" (unset) when
 * wrangler.toml has none. With them a test sees the configuration as `wrangler deploy` ships it.
 */
export function maskDevVars(root: string): Record<string, string> {
  const file = path.join(root, ".dev.vars");
  if (!existsSync(file)) return {};
  const shipped = unstable_readConfig({ config: path.join(root, "wrangler.toml") }).vars;
  const masked: Record<string, string> = {};
  for (const match of readFileSync(file, "utf8").matchAll(/^\s*(?:export\s+)?([A-Za-z_][\w]*)\s*=/gm)) {
    const name = match[1];
    if (!name) continue;
    const value = shipped[name];
    masked[name] = typeof value === "string" ? value : "";
  }
  return masked;
}
