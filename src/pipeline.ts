import type { Candidate, SourceName } from "./candidate";
import type { Discussion, Feedback, Issue, Item, Rule, Video } from "./issue";
import type { PaperContext } from "./paper/types";
import type { ReaderProfile } from "./profile";
import type { Corpus, Embedder, ReaderModel, ScoredCandidate } from "./scoring";
import { rankCandidates } from "./scoring";
import { selectIssue } from "./select";
import { distinctIntuitions } from "./writeup";
import type { Writer } from "./writeup/types";

/** Per-pick lookups that spend external quota, so they run for the picks only. */
export interface PickLookups {
  authorTalks(pick: Candidate): Promise<Candidate[]>;
  discussion(pick: Candidate): Promise<Discussion | undefined>;
  /** The paper's source, read once per distinct pick (cached per candidate); none: abstract only. */
  paper?(pick: Candidate): Promise<PaperContext | undefined>;
}

export interface ComposeInput {
  readerId: string;
  date: string;
  now: Date;
  runId?: string;
  /** The day's candidates, already stripped of everything this reader has seen. */
  pool: Candidate[];
  /** The day's reader-independent text statistics, prepared once and shared by every reader's job. */
  corpus?: Corpus;
  model: ReaderModel;
  /**
   * Dense similarity blended into the ranking (`EMBEDDINGS=workers-ai`); when it fails the issue is
   * ranked lexically and `onError` says why.
   */
  embeddings?: { embedder: Embedder; onError(err: unknown): void };
  profile: ReaderProfile;
  rules: Rule[];
  /** Feedback received since the previous issue, shown back in the feedback section. */
  feedback: Feedback[];
  /** What went wrong while gathering the day's candidates. */
  failures: { source: SourceName; kind: string; message: string; status?: number | undefined }[];
  /** Sources that answered with nothing on purpose (arXiv on a weekend). */
  quiet: SourceName[];
  writer: Writer;
  lookups: PickLookups;
}

export interface ComposedIssue {
  issue: Issue;
  /** Everything the issue shows, for the reader's seen set. */
  shown: Candidate[];
}

const SOURCE_LABEL: Record<SourceName, string> = {
  arxiv: "arXiv",
  huggingface: "Hugging Face daily papers",
  semanticscholar: "Semantic Scholar",
  github: "GitHub",
  youtube: "YouTube",
  hackernews: "Hacker News",
};

/** Builds one reader's issue for one day: score → select → write up → assemble. */
export async function composeIssue(input: ComposeInput): Promise<ComposedIssue> {
  const ranked = await rankCandidates(input.pool, input.model, {
    now: input.now,
    ...(input.corpus ? { corpus: input.corpus } : {}),
    ...(input.embeddings
      ? { embedder: input.embeddings.embedder, onEmbedderError: input.embeddings.onError }
      : {}),
  });
  const selection = selectIssue(ranked, { rules: input.rules });
  const picks = selection.research;

  const items: Item[] = [];
  const authorTalks: Video[] = [];
  const talkless: string[] = [];
  const shown: Candidate[] = [];
  const papers: { title: string; paper: PaperContext | undefined }[] = [];
  for (const pick of picks) {
    const paper = input.lookups.paper
      ? await input.lookups.paper(pick.candidate).catch(() => undefined)
      : undefined;
    if (pick.candidate.kind === "paper") papers.push({ title: pick.candidate.title, paper });
    const writeup = await input.writer.writeItem({
      candidate: pick.candidate,
      explanation: pick.explanation,
      profile: input.profile,
      rules: input.rules,
      tags: pick.tags,
      ...(paper ? { paper } : {}),
    });
    const [talks, discussion] = await Promise.all([
      selection.wants.authorTalks
        ? input.lookups.authorTalks(pick.candidate).catch(() => [])
        : Promise.resolve([]),
      input.lookups.discussion(pick.candidate).catch(() => undefined),
    ]);
    items.push({
      ...writeup,
      candidateId: pick.candidate.id,
      kind: pick.candidate.kind === "tool" ? "tool" : "paper",
      title: pick.candidate.title,
      url: pick.candidate.url,
      authors: pick.candidate.authors,
      tags: pick.tags,
      score: round(pick.score),
      ...(discussion ? { discussion } : {}),
    });
    shown.push(pick.candidate);
    const talk = talks[0];
    if (talk) {
      authorTalks.push(toVideo(talk, "author-talk", input, picks, pick.candidate.id));
      shown.push(talk);
    } else if (pick.candidate.kind === "paper") {
      talkless.push(pick.candidate.title);
    }
  }

  const standalone = pickStandalone(selection.videos, selection.wants.maxVideos, authorTalks.length).map(
    (v) => toVideo(v.candidate, "standalone", input, picks),
  );
  for (const v of selection.videos)
    if (standalone.some((s) => s.candidateId === v.candidate.id)) shown.push(v.candidate);
  const videos = [...authorTalks, ...standalone];

  const notes = [
    ...selection.notes,
    ...sourceNotes(input.failures, input.quiet),
    ...(selection.wants.authorTalks && talkless.length > 0
      ? [talkNote(talkless, authorTalks.length, standalone.length)]
      : []),
    ...(videos.length < selection.wants.minVideos
      ? [videoShortfallNote(videos.length, selection.wants.minVideos)]
      : []),
    ...paperNotes(papers),
  ];

  const issue: Issue = {
    readerId: input.readerId,
    date: input.date,
    title: `Daily Feed - ${input.date}`,
    summary: [...items.map((i) => i.title), ...videos.map((v) => v.title)].join(" | "),
    countLine: countLine(items, videos),
    // Writers see one pick at a time; this pass keeps two picks from sharing an Intuition sentence.
    items: distinctIntuitions(items),
    videos,
    notes,
    feedback: { received: describeFeedback(input.feedback), rules: input.rules },
    generatedAt: input.now.toISOString(),
    ...(input.runId ? { runId: input.runId } : {}),
  };
  return { issue, shown };
}

/** Standalone talks fill what author talks leave of the day's 1–2 videos, at least one always. */
function pickStandalone(
  videos: ScoredCandidate[],
  maxVideos: number,
  authorTalks: number,
): ScoredCandidate[] {
  const room = Math.max(1, maxVideos - authorTalks);
  return videos.slice(0, room);
}

function toVideo(
  c: Candidate,
  kind: Video["kind"],
  input: ComposeInput,
  picks: ScoredCandidate[],
  forItem?: string,
): Video {
  return {
    candidateId: c.id,
    title: c.title,
    url: c.url,
    source: c.signals.channel ?? SOURCE_LABEL.youtube,
    ...(c.signals.durationSeconds !== undefined ? { durationSeconds: c.signals.durationSeconds } : {}),
    ...(c.published ? { published: c.published } : {}),
    reason: input.writer.videoReason(c, { picks: picks.map((p) => p.candidate), profile: input.profile }),
    kind,
    ...(forItem ? { forItem } : {}),
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** "4 research items (3 papers + 1 tool) + 1 video", as in the examples. */
export function countLine(items: Pick<Item, "kind">[], videos: unknown[]): string {
  const papers = items.filter((i) => i.kind === "paper").length;
  const tools = items.length - papers;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const parts = [plural(papers, "paper"), ...(tools > 0 ? [plural(tools, "tool")] : [])];
  return `${plural(items.length, "research item")} (${parts.join(" + ")}) + ${plural(videos.length, "video")}`;
}

function sourceNotes(failures: ComposeInput["failures"], quiet: SourceName[]): string[] {
  const notes: string[] = [];
  const bySource = new Map<SourceName, ComposeInput["failures"]>();
  for (const f of failures) bySource.set(f.source, [...(bySource.get(f.source) ?? []), f]);
  for (const [source, fs] of bySource) {
    const first = fs[0];
    const why = first ? (first.status ? `HTTP ${first.status}` : first.kind) : "error";
    notes.push(
      `${SOURCE_LABEL[source]} could not be read today (${why}); today's picks come from the other sources.`,
    );
  }
  if (quiet.includes("arxiv")) {
    notes.push(
      "arXiv made no announcements today (weekend or holiday); the picks come from the other sources.",
    );
  }
  return notes;
}

/** States only what the issue contains: a standalone talk is named as the video pick only when there is one. */
function talkNote(talkless: string[], found: number, standalone: number): string {
  const which = talkless.length === 1 ? `“${talkless[0]}”` : `today's ${talkless.length} papers`;
  if (standalone === 0) return `For ${which}, no author or conference talks were found.`;
  const slot = standalone === 1 ? "the standalone talk" : "the standalone talks";
  return found > 0
    ? `No author talks found for ${which}; ${slot} fill${standalone === 1 ? "s" : ""} the video slot.`
    : `For ${which}, no author or conference talks were found; ${slot} ${standalone === 1 ? "is the day's video pick" : "are the day's video picks"}.`;
}

function videoShortfallNote(shown: number, wanted: number): string {
  return shown === 0
    ? `No talk matched your interests well enough today, although your rule asks for at least ${wanted}; none was padded in.`
    : `Only ${shown} of the ${wanted} talks your rules ask for matched today; none was padded in.`;
}

/** Says which picks were written from the abstract alone, because their source could not be read. */
function paperNotes(papers: { title: string; paper: PaperContext | undefined }[]): string[] {
  const titles = papers.filter((p) => p.paper?.source === "abstract").map((p) => `“${p.title}”`);
  if (titles.length === 0) return [];
  return [
    titles.length === 1
      ? `Only the abstract was available for ${titles[0]} (no readable LaTeX source or HTML rendering); its write-up is drawn from the abstract.`
      : `Only the abstract was available for ${titles.length} of today's papers (${titles.join(", ")}); their write-ups are drawn from the abstract.`,
  ];
}

/** Feedback since the last issue, in the reader's own words where there are words. */
function describeFeedback(feedback: Feedback[]): string[] {
  const lines: string[] = [];
  const ups = feedback.filter((f) => f.kind === "rating" && f.rating === "up").length;
  const downs = feedback.filter((f) => f.kind === "rating" && f.rating === "down").length;
  if (ups + downs > 0) lines.push(`Ratings since the last issue: ${ups} 👍, ${downs} 👎.`);
  for (const f of feedback)
    if (f.kind === "text" && f.text) lines.push(`“${f.text}”${f.issueDate ? ` (on ${f.issueDate})` : ""}`);
  return lines;
}
