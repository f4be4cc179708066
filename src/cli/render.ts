import { readFile } from "node:fs/promises";
import { z } from "zod";
import { Issue } from "../issue";
import { renderEmail } from "../render/email";
import { renderMarkdown } from "../render/markdown";
import { renderTelegram } from "../render/telegram";
import { renderIssuePage } from "../render/web";
import { cliArgs } from "./args";

const USAGE = "usage: feed render <issue.json> --channel web|markdown|email|telegram [--site-url URL]";
const Channel = z.enum(["web", "markdown", "email", "telegram"]);

/** `feed render`: one channel's rendering of a canonical issue JSON file. */
export async function main(args: string[]): Promise<number> {
  const { values, positionals } = cliArgs(args, {
    channel: { type: "string" },
    "site-url": { type: "string" },
  });
  const channel = Channel.safeParse(values.channel);
  const file = positionals[0];
  if (!file || !channel.success) {
    console.error(USAGE);
    return 2;
  }
  const parsed = Issue.safeParse(JSON.parse(await readFile(file, "utf8")));
  if (!parsed.success) {
    console.error(`${file}: not a valid issue:\n${z.prettifyError(parsed.error)}`);
    return 1;
  }
  const issue = parsed.data;
  const siteUrl = values["site-url"] ?? "http://localhost:8787";
  switch (channel.data) {
    case "web":
      process.stdout.write(await renderIssuePage(issue, { siteUrl }));
      break;
    case "markdown":
      process.stdout.write(renderMarkdown(issue));
      break;
    case "email": {
      const mail = await renderEmail(issue, {
        siteUrl,
        unsubscribeUrl: `${siteUrl}/unsubscribe/TOKEN`,
        feedbackLinks: new Map(),
      });
      process.stdout.write(`Subject: ${mail.subject}\n\n${mail.text}\n\n----- HTML -----\n${mail.html}\n`);
      break;
    }
    case "telegram":
      for (const m of renderTelegram(issue, { siteUrl })) process.stdout.write(`${JSON.stringify(m)}\n`);
      break;
  }
  return 0;
}
