import { z } from "zod";
import type { Candidate, Signals } from "../candidate";
import { request } from "../http";
import { encodeUrlPart } from "../http-url";
import { arxivId } from "../identity";
import { reportFrom } from "./report";
import { errorAt, type ParseResult, parseJson } from "./result";
import { collapseWhitespace, count, isoDate } from "./text";
import type { SourceContext, SourceReport } from "./types";

const author = z.object({ name: z.string().optional(), hidden: z.boolean().optional() }).loose();

// `ai_summary` / `ai_keywords` appeared in 2025 (on the paper); the Oct-2024 payload lacks them.
const hfPaper = z
  .object({
    id: z.string(),
    title: z.string(),
    summary: z.string().optional(),
    authors: z.array(author).optional(),
    publishedAt: z.string().optional(),
    upvotes: z.number().optional(),
    ai_summary: z.string().optional(),
    ai_keywords: z.array(z.string()).optional(),
    githubRepo: z.string().nullish(),
  })
  .loose();

const dailyPaper = z
  .object({
    paper: hfPaper,
    title: z.string().optional(),
    publishedAt: z.string().optional(),
    numComments: z.number().optional(),
    ai_summary: z.string().optional(),
    ai_keywords: z.array(z.string()).optional(),
  })
  .loose();

/** Parses `/api/daily_papers`: an array of `{paper, numComments, …}`. HF paper ids are arXiv ids. */
export function parseHuggingFace(body: string): ParseResult {
  const json = parseJson("huggingface", body);
  if (!json.ok) return json;
  const value = json.value;
  if (!Array.isArray(value)) {
    const message =
      typeof value === "object" && value !== null && "error" in value
        ? `Hugging Face API error: ${String((value as { error: unknown }).error)}`
        : "expected an array of daily papers";
    return {
      ok: false,
      error: errorAt("huggingface", body, value && typeof value === "object" ? '"error"' : "", message),
    };
  }
  const candidates: Candidate[] = [];
  for (const [index, raw] of value.entries()) {
    const entry = dailyPaper.safeParse(raw);
    if (!entry.success) {
      const issue = entry.error.issues[0];
      return {
        ok: false,
        error: {
          source: "huggingface",
          message: `entry ${index}: ${issue ? `${issue.path.join(".")}: ${issue.message}` : "unexpected shape"}`,
        },
      };
    }
    const candidate = fromDailyPaper(entry.data);
    if (candidate) candidates.push(candidate);
  }
  return { ok: true, candidates };
}

function fromDailyPaper(entry: z.infer<typeof dailyPaper>): Candidate | undefined {
  const p = entry.paper;
  const id = arxivId(p.id);
  const title = collapseWhitespace(p.title || entry.title || "");
  if (id === undefined || title === "") return undefined;
  const signals: Signals = {};
  const upvotes = count(p.upvotes);
  if (upvotes !== undefined) signals.hfUpvotes = upvotes;
  const comments = count(entry.numComments);
  if (comments !== undefined) signals.hfComments = comments;
  const aiSummary = p.ai_summary ?? entry.ai_summary;
  if (aiSummary) signals.aiSummary = collapseWhitespace(aiSummary);
  const aiKeywords = p.ai_keywords ?? entry.ai_keywords;
  if (aiKeywords && aiKeywords.length > 0) signals.aiKeywords = aiKeywords;
  const aliases = [`doi:10.48550/arxiv.${id}`];
  const repo = p.githubRepo ? /github\.com\/([^/\s]+\/[^/\s#?]+)/.exec(p.githubRepo)?.[1] : undefined;
  if (repo) aliases.push(`github:${repo.toLowerCase().replace(/\.git$/, "")}`);
  const candidate: Candidate = {
    id: `arxiv:${id}`,
    kind: "paper",
    title,
    summary: collapseWhitespace(p.summary ?? ""),
    url: `https://huggingface.co/papers/${encodeUrlPart(id)}`,
    authors: (p.authors ?? [])
      .filter((a) => a.hidden !== true)
      .map((a) => collapseWhitespace(a.name ?? ""))
      .filter((a) => a !== ""),
    categories: [],
    aliases,
    sources: ["huggingface"],
    signals,
  };
  const published = isoDate(p.publishedAt ?? entry.publishedAt);
  if (published !== undefined) candidate.published = published;
  return candidate;
}

/** Hugging Face's daily papers for `date` (YYYY-MM-DD), up to 100 (the API's page size). */
export async function fetchHuggingFaceDaily(ctx: SourceContext, date: string): Promise<SourceReport> {
  const params = new URLSearchParams({ date, limit: "100" });
  const response = await request(ctx, `${ctx.config.hfApiUrl.replace(/\/+$/, "")}/daily_papers?${params}`, {
    source: "huggingface",
    headers: { "user-agent": ctx.config.userAgent, accept: "application/json" },
  });
  return reportFrom("huggingface", response, parseHuggingFace);
}
