import type { Candidate } from "../candidate";
import { canonicalId, identityKeys } from "../identity";
import { containment, contentTokens, jaccard, wordTokens } from "./text";

/** Surnames of a pick's authors (last word, at least 3 letters), lowercased and unaccented. */
function surnames(authors: string[]): Set<string> {
  const out = new Set<string>();
  for (const a of authors.slice(0, 8)) {
    const last = wordTokens(a.replace(/\(.*?\)/g, "")).at(-1);
    if (last !== undefined && last.length >= 3) out.add(last);
  }
  return out;
}

/**
 * Whether `video` is plausibly a talk about `pick`: most of the pick's title words in the
 * video's title or description, or an author's surname plus a fair share of the title words.
 * Guards the author-talk slot against whatever a keyword search drags in.
 */
export function isTalkAbout(pick: Candidate, video: Candidate): boolean {
  const titleWords = contentTokens(pick.title);
  if (titleWords.size === 0) return false;
  const videoText = contentTokens(`${video.title} ${video.summary}`);
  const videoTitle = contentTokens(video.title);
  const inTitle = containment(titleWords, videoTitle);
  const inText = containment(titleWords, videoText);
  const people = contentTokens(`${video.title} ${video.summary} ${video.authors.join(" ")}`);
  const authorNamed = [...surnames(pick.authors)].some((s) => people.has(s));
  return inTitle >= 0.6 || inText >= 0.75 || (authorNamed && inText >= 0.35);
}

/**
 * Whether an HN story discusses `pick`: its link is the pick itself (same canonical identity),
 * or its title is close to the pick's title.
 */
export function isDiscussionOf(pick: Candidate, story: Candidate): boolean {
  const pickKeys = new Set(identityKeys(pick));
  const linksToPick = story.aliases.some((alias) => {
    const key = canonicalId(alias);
    return key !== undefined && pickKeys.has(key);
  });
  if (linksToPick) return true;
  const pickWords = contentTokens(pick.title);
  const storyWords = contentTokens(story.title);
  if (pickWords.size < 2 || storyWords.size === 0) return false;
  return (
    jaccard(pickWords, storyWords) >= 0.5 ||
    (pickWords.size >= 3 && containment(pickWords, storyWords) >= 0.8)
  );
}
