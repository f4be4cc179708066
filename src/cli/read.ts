import { readFile } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { EprintError, readEprint } from "../paper";

const USAGE =
  "usage: feed read <e-print file>   (a gzip'd tar or gzip'd .tex, as arXiv serves /e-print/<id>)";

/** The arXiv id in an e-print file name (`eprint_2411.18268.tar.gz`), when it has one. */
export function arxivIdOfEprintFile(file: string): string | undefined {
  return /^eprint_(\d{4}\.\d{4,5}(?:v\d+)?)\.(?:tar\.gz|tgz|gz|tar)$/i
    .exec(path.basename(file))?.[1]
    ?.replace(/v\d+$/, "");
}

/**
 * `feed read`: what the writer extracts from a paper's LaTeX source, as JSON (main file, macros, equations
 * with their context, theorems, contributions, figures with baselines). A bad archive is a clear error and
 * exit status 1.
 */
export async function main(args: string[]): Promise<number> {
  const [file, ...rest] = args;
  if (!file || rest.length > 0 || file.startsWith("-")) {
    console.error(USAGE);
    return 2;
  }
  const bytes = await readFile(file).catch((err: NodeJS.ErrnoException) => {
    console.error(`read: ${file}: ${err.code === "ENOENT" ? "no such file" : err.message}`);
    return undefined;
  });
  if (!bytes) return 1;
  try {
    const paper = await readEprint(arxivIdOfEprintFile(file) ?? path.basename(file), new Uint8Array(bytes), {
      clock: () => performance.now(),
    });
    process.stdout.write(`${JSON.stringify(paper, null, 2)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof EprintError) {
      console.error(`read: ${file}: ${err.message} (${err.kind})`);
      return 1;
    }
    throw err;
  }
}
