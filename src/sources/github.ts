import { z } from "zod";
import type { Candidate, Signals } from "../candidate";
import { request } from "../http";
import { isHttpUrl } from "../http-url";
import { reportFrom } from "./report";
import { errorAt, type ParseError, type ParseResult, parseJson } from "./result";
import { collapseWhitespace, count, isoDate } from "./text";
import type { SourceContext, SourceReport } from "./types";

const repository = z
  .object({
    full_name: z.string(),
    html_url: z.string(),
    description: z.string().nullish(),
    owner: z.object({ login: z.string() }).loose().nullish(),
    stargazers_count: z.number().nullish(),
    forks_count: z.number().nullish(),
    pushed_at: z.string().nullish(),
    created_at: z.string().nullish(),
    updated_at: z.string().nullish(),
    language: z.string().nullish(),
    topics: z.array(z.string()).nullish(),
    archived: z.boolean().nullish(),
    fork: z.boolean().nullish(),
  })
  .loose();
type Repository = z.infer<typeof repository>;

/**
 * Parses a GitHub payload: a repository search (`{total_count, items}`) or one repository. An
 * issue search holds no tools (no candidates, with a note); `{message}` documents are errors.
 */
export function parseGitHub(body: string): ParseResult {
  const json = parseJson("github", body);
  if (!json.ok) return json;
  const value = json.value;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, error: errorAt("github", body, "", "expected a GitHub repository or search object") };
  }
  const doc = value as Record<string, unknown>;
  if (Array.isArray(doc.items)) {
    const candidates: Candidate[] = [];
    const dropped: ParseError[] = [];
    let issues = 0;
    for (const [index, item] of doc.items.entries()) {
      if (typeof item === "object" && item !== null && "full_name" in item) {
        const repo = repository.safeParse(item);
        if (!repo.success)
          return {
            ok: false,
            error: {
              source: "github",
              message: `item ${index}: ${repo.error.issues[0]?.message ?? "unexpected shape"}`,
            },
          };
        if (isHttpUrl(repo.data.html_url)) candidates.push(fromRepository(repo.data));
        else dropped.push(badLink(`item ${index}`, repo.data.html_url));
      } else issues++;
    }
    const note =
      issues > 0 ? `${issues} search results are issues or pull requests, not repositories` : undefined;
    return { ok: true, candidates, ...(note ? { note } : {}), ...(dropped.length > 0 ? { dropped } : {}) };
  }
  if ("full_name" in doc) {
    const repo = repository.safeParse(doc);
    if (!repo.success)
      return {
        ok: false,
        error: { source: "github", message: repo.error.issues[0]?.message ?? "unexpected repository shape" },
      };
    if (!isHttpUrl(repo.data.html_url))
      return { ok: true, candidates: [], dropped: [badLink("repository", repo.data.html_url)] };
    return { ok: true, candidates: [fromRepository(repo.data)] };
  }
  if (typeof doc.message === "string") {
    const details = Array.isArray(doc.errors)
      ? doc.errors
          .map((e) =>
            typeof e === "object" && e !== null
              ? Object.values(e)
                  .filter((v) => typeof v === "string")
                  .join(" ")
              : String(e),
          )
          .join("; ")
      : "";
    return {
      ok: false,
      error: errorAt(
        "github",
        body,
        '"message"',
        `GitHub API error: ${doc.message}${details ? ` (${details})` : ""}`,
      ),
    };
  }
  return { ok: false, error: errorAt("github", body, "{", "neither a repository nor a search result") };
}

/** A repository whose link is not http(s) (`javascript:`, `data:`) never becomes a candidate. */
function badLink(where: string, url: string): ParseError {
  return {
    source: "github",
    message: `${where}: html_url is not an http(s) URL (${JSON.stringify(url.slice(0, 80))}); dropped`,
  };
}

function fromRepository(r: Repository): Candidate {
  const signals: Signals = {};
  const stars = count(r.stargazers_count);
  if (stars !== undefined) signals.stars = stars;
  const forks = count(r.forks_count);
  if (forks !== undefined) signals.forks = forks;
  const pushed = isoDate(r.pushed_at ?? undefined);
  if (pushed) signals.pushedAt = pushed;
  if (r.language) signals.language = r.language;
  if (r.topics && r.topics.length > 0) signals.topics = r.topics;
  const candidate: Candidate = {
    id: `github:${r.full_name.toLowerCase()}`,
    kind: "tool",
    title: r.full_name,
    summary: collapseWhitespace(r.description ?? ""),
    url: r.html_url,
    authors: r.owner?.login ? [r.owner.login] : [],
    categories: r.topics ?? [],
    aliases: [],
    sources: ["github"],
    signals,
  };
  const created = isoDate(r.created_at ?? undefined);
  if (created) candidate.published = created;
  if (pushed) candidate.updated = pushed;
  return candidate;
}

function githubHeaders(ctx: SourceContext, accept = "application/vnd.github+json"): Record<string, string> {
  const headers: Record<string, string> = {
    accept,
    "user-agent": ctx.config.userAgent,
    "x-github-api-version": "2022-11-28",
  };
  if (ctx.config.githubToken) headers.authorization = `Bearer ${ctx.config.githubToken}`;
  return headers;
}

/** A GitHub search query for an interest: a topic slug or words in name/description/topics. */
export function githubQueryFor(interest: string, since: string): string {
  const words = interest.trim();
  const slug = words
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  // Active, somewhat-used repositories; a topic is the sharpest match when the interest is one.
  const base = /\s/.test(words) ? `"${words}" in:name,description,topics` : `topic:${slug}`;
  return `${base} stars:>=20 pushed:>=${since} archived:false`;
}

/**
 * Repositories for the reader's interests (one search per interest, at most `maxQueries`, since
 * unauthenticated search allows 10 a minute). Failures of single queries are kept; results merge.
 */
export async function searchGitHubTools(
  ctx: SourceContext,
  interests: string[],
  date: string,
  maxQueries = 4,
): Promise<SourceReport> {
  const since = new Date(Date.parse(`${date}T00:00:00Z`) - 365 * 86_400_000).toISOString().slice(0, 10);
  const reports: SourceReport[] = [];
  for (const interest of interests.filter((i) => i.trim() !== "").slice(0, maxQueries)) {
    const params = new URLSearchParams({
      q: githubQueryFor(interest, since),
      sort: "stars",
      order: "desc",
      per_page: "10",
    });
    const response = await request(ctx, `${ctx.config.githubApiUrl}/search/repositories?${params}`, {
      source: "github",
      headers: githubHeaders(ctx),
      minIntervalMs: ctx.config.githubToken ? 2_000 : 6_000,
    });
    reports.push(reportFrom("github", response, parseGitHub));
    if (!response.ok && response.status === 403) break; // rate limit exhausted for the minute
  }
  const seen = new Set<string>();
  const candidates = reports.flatMap((r) => r.candidates).filter((c) => !seen.has(c.id) && seen.add(c.id));
  const failures = reports.flatMap((r) => r.failures);
  return { source: "github", candidates, failures, quiet: candidates.length === 0 && failures.length === 0 };
}

/** One repository's details (stars, last push, topics) as a tool candidate. */
export async function fetchRepository(ctx: SourceContext, fullName: string): Promise<SourceReport> {
  const response = await request(ctx, `${ctx.config.githubApiUrl}/repos/${fullName}`, {
    source: "github",
    headers: githubHeaders(ctx),
  });
  return reportFrom("github", response, parseGitHub);
}

/**
 * The start of a repository's README (`GET /repos/o/r/readme`, raw), trimmed to `maxChars`
 * without badges and images; undefined when there is none or it cannot be read.
 */
export async function fetchReadmeExcerpt(
  ctx: SourceContext,
  fullName: string,
  maxChars = 600,
): Promise<string | undefined> {
  const response = await request(ctx, `${ctx.config.githubApiUrl}/repos/${fullName}/readme`, {
    source: "github",
    headers: githubHeaders(ctx, "application/vnd.github.raw+json"),
    maxAttempts: 2,
  });
  if (!response.ok) return undefined;
  return readmeExcerpt(response.body, maxChars);
}

/** Prose from a Markdown README: no HTML, badges, images, code fences or headings' hashes. */
export function readmeExcerpt(markdown: string, maxChars = 600): string | undefined {
  const prose = markdown
    .replace(/```[\s\S]*?```/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/!\[[^\]]*\]\([^)]*\)/g, " ")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/^#+\s*/gm, "")
    .replace(/\s+/g, " ")
    .trim();
  if (prose === "") return undefined;
  if (prose.length <= maxChars) return prose;
  const cut = prose.slice(0, maxChars);
  const sentence = cut.lastIndexOf(". ");
  return `${sentence > maxChars / 2 ? cut.slice(0, sentence + 1) : cut.trimEnd()}…`;
}

/** A tool pick completed with repository details and a README excerpt, where GitHub has them. */
export async function enrichTool(ctx: SourceContext, tool: Candidate): Promise<Candidate> {
  if (!tool.id.startsWith("github:")) return tool;
  const fullName = tool.title.includes("/") ? tool.title : tool.id.slice("github:".length);
  const details = await fetchRepository(ctx, fullName);
  const fresh = details.candidates[0];
  const readme = await fetchReadmeExcerpt(ctx, fullName);
  const signals: Signals = { ...tool.signals, ...(fresh?.signals ?? {}) };
  if (readme) signals.readme = readme;
  return { ...tool, summary: tool.summary || fresh?.summary || "", signals };
}
