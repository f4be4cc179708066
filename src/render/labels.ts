import type { Issue, Video } from "../issue";

/** "1h 34m", "38 min": how the examples write a talk's length. */
export function formatDuration(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${Math.max(1, minutes)} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${h}h` : `${h}h ${m}m`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "Oct 2025": a talk's date as the examples show it; a bare year ("2020") stays a year. */
export function formatMonth(iso: string): string | undefined {
  if (/^\d{4}$/.test(iso)) return iso;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return undefined;
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/**
 * The facts line of a talk ("Source: X | Duration: 38 min | Date: Oct 2025"); every channel
 * prints this same string, so their text stays identical.
 */
export function videoFacts(v: Video): string {
  const parts = [`Source: ${v.source}`];
  if (v.durationSeconds !== undefined) parts.push(`Duration: ${formatDuration(v.durationSeconds)}`);
  const month = v.published ? formatMonth(v.published) : undefined;
  if (month) parts.push(`Date: ${month}`);
  return parts.join(" | ");
}

/** The headings every channel uses for the issue's sections. */
export const SECTION = {
  authorTalks: "Author talks",
  standaloneTalks: "Talks",
  notes: "Notes",
  feedback: "Feedback",
  received: "What you said",
  rules: "Standing rules",
} as const;

/** The issue's talk sections in reading order (author talks, then standalone talks), empty ones left out. */
export function videoSections(issue: Issue): { heading: string; videos: Video[] }[] {
  return [
    { heading: SECTION.authorTalks, videos: issue.videos.filter((v) => v.kind === "author-talk") },
    { heading: SECTION.standaloneTalks, videos: issue.videos.filter((v) => v.kind === "standalone") },
  ].filter((s) => s.videos.length > 0);
}

/** "For: <pick title>" on an author talk. */
export function talkFor(issue: Issue, v: Video): string | undefined {
  const item = v.forItem ? issue.items.find((i) => i.candidateId === v.forItem) : undefined;
  return item ? `Talk for: ${item.title}` : undefined;
}

/** "Related discussion: <title> (123 points, 45 comments)". */
export function discussionLabel(d: {
  title: string;
  points?: number | undefined;
  comments?: number | undefined;
}): string {
  const stats = [
    ...(d.points !== undefined ? [`${d.points} points`] : []),
    ...(d.comments !== undefined ? [`${d.comments} comments`] : []),
  ];
  return `Related discussion: ${d.title}${stats.length ? ` (${stats.join(", ")})` : ""}`;
}
