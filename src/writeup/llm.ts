/**
 * The LLM writer: the candidate, the reader's profile and rules go into one prompt; the model answers JSON
 * that must pass `LlmWriteup` (six fields, length bounds, a punch that carries a formula or a number).
 * Bad or truncated output is retried once, then the fallback writer (the deterministic one) writes the
 * item — nothing half-formed is ever published.
 */
import { z } from "zod";
import type { Candidate } from "../candidate";
import type { Writeup } from "../issue";
import type { ReaderProfile } from "../profile";
import { pagesOf } from "./meta";
import { paperContextBlock } from "./paper-context";
import type { WriteInput, Writer } from "./types";

export interface ChatMessage {
  role: "system" | "user";
  content: string;
}

/** Sends messages to a model and returns its raw text answer. */
export type ChatRunner = (messages: ChatMessage[]) => Promise<string>;

const FORMULA = /\$[^$\n]+\$|\$\$[\s\S]+?\$\$|\\\(|\\\[/;
const NUMBER = /\d|orders? of magnitude/i;
const CODE_BLOCK = /```[\s\S]+?```/;

function field(min: number, max: number) {
  return z
    .string()
    .transform((s) => s.trim())
    .pipe(z.string().min(min, `at least ${min} characters`).max(max, `at most ${max} characters`));
}

/** What the model must return for one pick. Lengths are characters, generous but bounded. */
export const LlmWriteup = z
  .object({
    domain: field(3, 80).refine((s) => !s.includes("\n"), "one line"),
    timeCost: field(3, 90).refine((s) => !s.includes("\n"), "one line"),
    intuition: field(80, 1400),
    punch: field(20, 2200).refine(
      (s) => FORMULA.test(s) || NUMBER.test(s) || CODE_BLOCK.test(s),
      "punch must contain a formula ($…$) or a number (or, for a tool, a usage example)",
    ),
    significance: field(40, 1200),
    whyItMatches: field(30, 800),
  })
  .strict();
export type LlmWriteup = z.infer<typeof LlmWriteup>;

/** JSON Schema of the same shape, for `response_format` (models enforce it loosely; zod decides). */
export const writeupJsonSchema = {
  type: "object",
  additionalProperties: false,
  required: ["domain", "timeCost", "intuition", "punch", "significance", "whyItMatches"],
  properties: {
    domain: { type: "string", description: "Short path like 'ML / Optimal Transport / Systems'" },
    timeCost: {
      type: "string",
      description: "Like '~40min read' or '20 min abstract+figures, 60–90 min real read'",
    },
    intuition: { type: "string" },
    punch: { type: "string" },
    significance: { type: "string" },
    whyItMatches: { type: "string" },
  },
} as const;

const SYSTEM_PROMPT = `You write one pick of a daily research feed for one reader.
Answer with ONE JSON object and nothing else, with exactly these string fields:
- "domain": a short path, 2–3 parts, e.g. "ML / Optimal Transport / Systems" or "Finance / Market Microstructure / ML".
- "timeCost": e.g. "~40min read", "20 min abstract+figures, 60–90 min real read", "15–30 min to scan README + run a demo".
- "intuition": 2–4 sentences, plain words: what the work really does and the one idea that makes it work. Bold (**…**) the 1–2 key concepts.
- "punch": the ONE equation or number that carries the result. Use LaTeX in $…$ (inline) or $$…$$ (display), or the headline number with its unit and baseline (e.g. "up to **32×** forward and **161×** end-to-end speed-ups on A100 versus online baselines"). For a tool: what it is for and a minimal usage example in a fenced code block. It MUST contain a formula or a number.
- "significance": why it matters — what it changes for someone working in this area; mention code links if the abstract gives one.
- "whyItMatches": why this reader, tied to their interests, lenses and the scorer's explanation. Concrete, not flattering.
When material from the paper's source is given, the punch is the paper's own central equation (or main theorem) with the sentence that explains it, plus its headline number if one is given; a textbook formula of the topic only when the paper gives none.
Markdown is allowed inside fields (bold, italic, inline code, fenced code, links). Do not invent numbers or results that the material does not support; say "schematically" when you state a standard equation rather than the paper's own.`;

function candidateBlock(c: Candidate): string {
  const lines = [
    `Kind: ${c.kind}`,
    `Title: ${c.title}`,
    `URL: ${c.url}`,
    c.authors.length ? `Authors: ${c.authors.slice(0, 12).join(", ")}` : "",
    c.categories.length ? `Categories: ${c.categories.join(", ")}` : "",
    c.published ? `Published: ${c.published}` : "",
    pagesOf(c) ? `Pages: ${pagesOf(c)}` : "",
    c.signals.comment ? `Comment: ${c.signals.comment}` : "",
    c.signals.journalRef ? `Journal: ${c.signals.journalRef}` : "",
    c.signals.hfUpvotes !== undefined ? `Hugging Face upvotes: ${c.signals.hfUpvotes}` : "",
    c.signals.citations !== undefined ? `Citations: ${c.signals.citations}` : "",
    c.signals.tldr ? `TLDR (Semantic Scholar): ${c.signals.tldr}` : "",
    c.signals.aiSummary ? `Summary (Hugging Face): ${c.signals.aiSummary}` : "",
    c.signals.aiKeywords?.length ? `Keywords: ${c.signals.aiKeywords.join(", ")}` : "",
    c.signals.stars !== undefined ? `GitHub stars: ${c.signals.stars}` : "",
    c.signals.language ? `Language: ${c.signals.language}` : "",
    c.signals.durationSeconds !== undefined ? `Duration (s): ${c.signals.durationSeconds}` : "",
    "",
    `Abstract / description:\n${c.summary}`,
    c.signals.readme ? `\nREADME (first 6000 characters):\n${c.signals.readme.slice(0, 6000)}` : "",
  ];
  return lines.filter((l) => l !== "").join("\n");
}

function readerBlock(input: WriteInput): string {
  const { profile, explanation, rules, tags } = input;
  return [
    `Reader: ${profile.name}`,
    `Interests: ${profile.interests.join("; ")}`,
    profile.lenses.length ? `Lenses: ${profile.lenses.join("; ")}` : "",
    profile.references.length
      ? `Known papers: ${profile.references
          .map((r) => r.title)
          .slice(0, 10)
          .join("; ")}`
      : "",
    rules.length ? `Standing rules from feedback: ${rules.map((r) => r.text).join("; ")}` : "",
    tags.length ? `Tags: ${tags.join(", ")}` : "",
    `Scorer's explanation: ${explanation.text}`,
    explanation.interests.length ? `  matched interests: ${explanation.interests.join("; ")}` : "",
    explanation.liked.length ? `  similar to liked: ${explanation.liked.join("; ")}` : "",
    explanation.lenses.length ? `  lenses: ${explanation.lenses.join("; ")}` : "",
    explanation.signals.length ? `  signals: ${explanation.signals.join("; ")}` : "",
  ]
    .filter((l) => l !== "")
    .join("\n");
}

function paperBlock(input: WriteInput): string {
  const block = paperContextBlock(input.paper);
  return block ? `\n\n---\n${block}` : "";
}

/** The prompt for one pick (exported for tests and for operators who want to see it). */
export function buildMessages(input: WriteInput): ChatMessage[] {
  return [
    { role: "system", content: SYSTEM_PROMPT },
    {
      role: "user",
      content: `${candidateBlock(input.candidate)}${paperBlock(input)}\n\n---\n${readerBlock(input)}\n\nWrite the JSON now.`,
    },
  ];
}

/** Pulls the JSON object out of a model's answer (it may wrap it in a ```json fence or chatter). */
export function extractJson(answer: string): unknown {
  const trimmed = answer.trim();
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(trimmed);
  const body = fenced?.[1] ?? trimmed;
  const start = body.indexOf("{");
  const end = body.lastIndexOf("}");
  if (start < 0 || end <= start) throw new Error("no JSON object in the answer (truncated?)");
  return JSON.parse(body.slice(start, end + 1));
}

/** Validates one answer; returns the write-up or a precise reason. */
export function parseWriteup(answer: string): { ok: true; writeup: Writeup } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = extractJson(answer);
  } catch (err) {
    return { ok: false, reason: `invalid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  const parsed = LlmWriteup.safeParse(json);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    return { ok: false, reason };
  }
  return { ok: true, writeup: parsed.data };
}

/**
 * A writer backed by a model. Each item: one call; if the answer is not valid (`LlmWriteup`), one retry
 * with the reason appended; if that fails too (or the runner throws), `fallback.writeItem`. Talk reasons
 * come from the fallback (one line, no model call needed).
 */
export function createLlmWriter(opts: {
  run: ChatRunner;
  fallback: Writer;
  log?: (msg: string) => void;
}): Writer {
  const log = opts.log ?? (() => undefined);
  return {
    name: `llm+${opts.fallback.name}`,
    async writeItem(input: WriteInput): Promise<Writeup> {
      const messages = buildMessages(input);
      let reason = "";
      for (let attempt = 1; attempt <= 2; attempt++) {
        const prompt =
          attempt === 1
            ? messages
            : [
                ...messages.slice(0, -1),
                {
                  role: "user" as const,
                  content: `${messages[messages.length - 1]?.content ?? ""}\n\nYour previous answer was rejected (${reason}). Answer again with one complete JSON object.`,
                },
              ];
        try {
          const answer = await opts.run(prompt);
          const result = parseWriteup(answer);
          if (result.ok) return result.writeup;
          reason = result.reason;
        } catch (err) {
          reason = `model call failed: ${err instanceof Error ? err.message : String(err)}`;
        }
        log(`llm writer: ${input.candidate.id} attempt ${attempt} rejected: ${reason}`);
      }
      log(`llm writer: ${input.candidate.id} falls back to ${opts.fallback.name}`);
      return opts.fallback.writeItem(input);
    },
    videoReason(video: Candidate, context: { picks: Candidate[]; profile: ReaderProfile }): string {
      return opts.fallback.videoReason(video, context);
    },
  };
}

/** The text of a Workers AI answer: `{response}` (string or, in JSON mode, an object) or OpenAI-style choices. */
function workersAiText(result: unknown): string {
  if (typeof result === "string") return result;
  const r = result as {
    response?: unknown;
    choices?: { message?: { content?: unknown } }[];
    result?: unknown;
  };
  if (r && typeof r === "object") {
    if (typeof r.response === "string") return r.response;
    if (r.response && typeof r.response === "object") return JSON.stringify(r.response);
    const content = r.choices?.[0]?.message?.content;
    if (typeof content === "string") return content;
    if (r.result !== undefined) return workersAiText(r.result);
  }
  throw new Error("Workers AI returned no text");
}

/**
 * A runner on the Workers AI binding: `env.AI.run(model, { messages, response_format })` with JSON mode
 * (`json_schema`) requested.
 */
export function workersAiRunner(
  ai: { run(model: string, input: unknown): Promise<unknown> },
  model: string,
): ChatRunner {
  return async (messages) => {
    const result = await ai.run(model, {
      messages,
      max_tokens: 2048,
      temperature: 0.3,
      response_format: { type: "json_schema", json_schema: writeupJsonSchema },
    });
    return workersAiText(result);
  };
}

const ChatCompletion = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullable() }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
});

/**
 * A runner on any OpenAI-compatible endpoint: `POST {url}/chat/completions` with a bearer key. An answer
 * cut off by the token limit (`finish_reason: "length"`) counts as a failure (it would be truncated JSON).
 */
export function openAiCompatibleRunner(
  fetchFn: typeof fetch,
  url: string,
  apiKey: string | undefined,
  model: string,
): ChatRunner {
  const endpoint = `${url.replace(/\/+$/, "")}/chat/completions`;
  return async (messages) => {
    const res = await fetchFn(endpoint, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
      },
      body: JSON.stringify({
        model,
        messages,
        temperature: 0.3,
        max_tokens: 2048,
        response_format: { type: "json_object" },
      }),
    });
    if (!res.ok) throw new Error(`${endpoint} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    const parsed = ChatCompletion.safeParse(await res.json());
    if (!parsed.success) throw new Error(`${endpoint}: unexpected response shape`);
    const choice = parsed.data.choices[0];
    if (choice?.finish_reason === "length") throw new Error("answer truncated at the token limit");
    return choice?.message.content ?? "";
  };
}
