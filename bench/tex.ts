/**
 * `npm run bench:tex`: TeX leaks over every abstract of the recorded arXiv day (1,504 items), in every
 * channel. Each abstract goes through the deterministic writer, and the abstract itself and every
 * written field are rendered as the web (KaTeX), email HTML (Unicode math), email text, Telegram and
 * Markdown channels show them. Counted:
 * - KaTeX error spans on the web page (`katex-error`, and undefined macros KaTeX shows in its red error colour);
 * - text-accent artifacts (`Schr\"odinger`, `\'e`, `Schr"odinger`) in what a reader sees in each channel;
 * - the paper reading cost (bytes fetched and unpacked, CPU ms) per recorded e-print.
 * Goal: 0 and 0.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { demoProfile } from "../src/demo-profile";
import { readEprint } from "../src/paper";
import { fieldToHtml, fieldToPlain, fieldToTelegramHtml } from "../src/render/field-serializers";
import { htmlToParityText } from "../src/render/parity";
import { parsePayload } from "../src/sources/index";
import { hasAccentArtifact } from "../src/tex/text-accents";
import { cleanAbstract } from "../src/writeup/abstract";
import { deterministicWriter } from "../src/writeup/deterministic";
import { paperPunchOf } from "../src/writeup/paper-punch";

const root = path.resolve(import.meta.dirname, "..");
const parsed = parsePayload(
  "arxiv",
  readFileSync(path.join(root, "test/fixtures/arxiv_rss_multi_archive_2024-11-28.xml"), "utf8"),
);
if (!parsed.ok) throw new Error(parsed.error.message);
const papers = parsed.candidates.filter((c) => c.kind === "paper");

type Channel = "web" | "email-html" | "email-text" | "telegram" | "markdown";
const errors: Record<Channel, number> = {
  web: 0,
  "email-html": 0,
  "email-text": 0,
  telegram: 0,
  markdown: 0,
};
const accents: Record<Channel, number> = {
  web: 0,
  "email-html": 0,
  "email-text": 0,
  telegram: 0,
  markdown: 0,
};
const examples: string[] = [];
let rawAccents = 0;
let fields = 0;

function visible(channel: Channel, md: string): { text: string; katexErrors: number } {
  switch (channel) {
    case "web": {
      const html = fieldToHtml(md, { math: "katex" });
      // KaTeX marks what it cannot parse in its error colour: a whole formula (`katex-error`) or, for an
      // undefined macro, the macro's name inside the formula
      const red = (html.match(/class="katex-error"|color:\s*#cc0000/g) ?? []).length;
      return { text: htmlToParityText(html), katexErrors: red };
    }
    case "email-html":
      return { text: htmlToParityText(fieldToHtml(md, { math: "unicode" })), katexErrors: 0 };
    case "email-text":
      return { text: fieldToPlain(md), katexErrors: 0 };
    case "telegram":
      return { text: htmlToParityText(fieldToTelegramHtml(md)), katexErrors: 0 };
    case "markdown":
      // the Markdown channel shows the field's source; math stays TeX there by design
      return { text: md.replace(/\$\$[\s\S]+?\$\$|\$(?:\\.|[^\\$])+?\$/g, " "), katexErrors: 0 };
  }
}

const t0 = performance.now();
for (const c of papers) {
  if (hasAccentArtifact(c.summary)) rawAccents++;
  const w = await deterministicWriter.writeItem({
    candidate: c,
    explanation: { interests: [], liked: [], lenses: [], signals: [], text: "" },
    profile: demoProfile,
    rules: [],
    tags: [],
  });
  for (const md of [cleanAbstract(c.summary), w.intuition, w.punch, w.significance]) {
    fields++;
    for (const channel of Object.keys(errors) as Channel[]) {
      const v = visible(channel, md);
      errors[channel] += v.katexErrors;
      if (hasAccentArtifact(v.text)) {
        accents[channel]++;
        if (examples.length < 5) examples.push(`${c.id} [${channel}]: ${v.text.slice(0, 120)}`);
      }
      if (v.katexErrors > 0 && examples.length < 5) examples.push(`${c.id} [katex]: ${md.slice(0, 120)}`);
    }
  }
}
const elapsed = performance.now() - t0;

console.log(
  `abstracts: ${papers.length} (${rawAccents} carry TeX accents in the payload); fields rendered: ${fields}`,
);
console.log("channel      KaTeX error spans   accent artifacts");
for (const channel of Object.keys(errors) as Channel[]) {
  console.log(
    `${channel.padEnd(12)} ${String(errors[channel]).padStart(17)}   ${String(accents[channel]).padStart(16)}`,
  );
}
for (const e of examples) console.log(`  e.g. ${e}`);
console.log(`writer + 5 channels over the day: ${(elapsed / 1000).toFixed(1)} s`);

console.log("\nreading recorded e-prints (bytes fetched → unpacked, CPU ms):");
const fixtures = path.join(root, "test/fixtures");
let own = 0;
let read = 0;
for (const f of readdirSync(fixtures).filter((x) => /^eprint_\d/.test(x))) {
  const bytes = new Uint8Array(readFileSync(path.join(fixtures, f)));
  const runs: number[] = [];
  let last: Awaited<ReturnType<typeof readEprint>> | undefined;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    last = await readEprint(f, bytes, { clock: () => performance.now() });
    runs.push(performance.now() - t);
  }
  runs.sort((a, b) => a - b);
  read++;
  const punch = paperPunchOf(last, undefined);
  if (punch) own++;
  const eq = punch ? `punch: the paper's own ${punch.kind}` : "punch: abstract / topic fallback";
  console.log(
    `  ${f.padEnd(28)} ${String(last?.cost?.bytesIn).padStart(7)} → ${String(last?.cost?.bytesOut).padStart(7)} B   median ${runs[2]?.toFixed(1)} ms   ${last?.equations.length} equations, ${eq}`,
  );
}
console.log(`Concrete punch is the paper's own formula or theorem for ${own} of ${read} recorded e-prints`);
