import type { SourceName } from "../candidate";

/** Only the head of an XML payload is read: namespaces and channel links sit at the top. */
const XML_HEAD = 8192;

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function fromXml(head: string): SourceName | undefined {
  // YouTube's channel feeds are Atom with their own namespace; arXiv's API (Atom) and listing (RSS)
  // both declare the arXiv namespace or point at arxiv.org.
  if (head.includes("http://www.youtube.com/xml/schemas/2015") || head.includes("<yt:videoId>"))
    return "youtube";
  if (
    /xmlns:arxiv="https?:\/\/arxiv\.org\/schemas\/atom"|https?:\/\/(?:export\.|rss\.)?arxiv\.org\//.test(head)
  )
    return "arxiv";
  return undefined;
}

function fromObject(doc: Record<string, unknown>): SourceName | undefined {
  if (typeof doc.kind === "string" && doc.kind.startsWith("youtube#")) return "youtube";
  const googleError = record(doc.error);
  if (googleError && Array.isArray(googleError.errors)) return "youtube";
  if (Array.isArray(doc.hits) && ("nbHits" in doc || "hitsPerPage" in doc || "query" in doc))
    return "hackernews";
  if ("total_count" in doc && Array.isArray(doc.items)) return "github";
  if (typeof doc.full_name === "string" && typeof doc.html_url === "string") return "github";
  if (typeof doc.documentation_url === "string" && /github/.test(doc.documentation_url)) return "github";
  if (Array.isArray(doc.recommendedPapers) || typeof doc.paperId === "string") return "semanticscholar";
  if (Array.isArray(doc.data) && doc.data.some((d) => record(d) && ("paperId" in d || "authorId" in d)))
    return "semanticscholar";
  if ("total" in doc && "offset" in doc) return "semanticscholar";
  return undefined;
}

function fromArray(items: unknown[]): SourceName | undefined {
  const first = items.map(record).find((r) => r !== undefined);
  if (first) {
    if (record(first.paper) && "id" in (record(first.paper) ?? {})) return "huggingface";
    if (typeof first.paperId === "string") return "semanticscholar";
    return undefined;
  }
  // Only Semantic Scholar's batch answers `null` for an id it does not know.
  return items.length > 0 && items.every((i) => i === null) ? "semanticscholar" : undefined;
}

/**
 * The source a payload comes from, told by its content alone: arXiv (API Atom or listing RSS), YouTube
 * (channel feed, Data API answers and errors), Hugging Face daily papers, Semantic Scholar, GitHub and
 * Hacker News (Algolia) have distinct shapes. Undefined when the content does not say: an empty array
 * (a quiet Hugging Face day or an empty S2 batch), `{"error": "…"}` (both S2 and Hugging Face), garbage.
 */
export function detectSource(body: string): SourceName | undefined {
  const text = body.replace(/^\uFEFF/, "").trimStart();
  if (text.startsWith("<")) return fromXml(text.slice(0, XML_HEAD));
  if (!text.startsWith("{") && !text.startsWith("[")) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (Array.isArray(value)) return fromArray(value);
  const doc = record(value);
  return doc ? fromObject(doc) : undefined;
}
