import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, "../..");

/** What one `feed` command left behind: its exit status and everything it printed. */
export interface FeedResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npm run feed -- <args>` the way an operator does (tsx on Node 22), capturing its output. */
export async function feed(...args: string[]): Promise<FeedResult> {
  try {
    const { stdout, stderr } = await run(
      path.join(repoRoot, "node_modules/.bin/tsx"),
      ["src/cli/main.ts", ...args],
      {
        cwd: repoRoot,
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}
