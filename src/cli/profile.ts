import { readFile } from "node:fs/promises";
import { z } from "zod";
import { demoProfile } from "../demo-profile";
import { ReaderProfile } from "../profile";

/** `--profile demo` (the built-in demo reader) or a path to a profile JSON file, validated. */
export async function loadProfile(spec: string | undefined): Promise<ReaderProfile> {
  if (!spec || spec === "demo") return demoProfile;
  const raw = JSON.parse(await readFile(spec, "utf8")) as unknown;
  const parsed = ReaderProfile.safeParse(raw);
  if (!parsed.success) throw new Error(`${spec}: not a valid profile:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
