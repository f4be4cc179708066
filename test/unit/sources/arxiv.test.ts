import { describe, expect, it } from "vitest";
import { Candidate } from "../../../src/candidate";
import { fetchArxivByIds, fetchArxivListing, parseArxiv } from "../../../src/sources/arxiv";
import type { ParseResult } from "../../../src/sources/result";
import { fixture, header, testContext } from "./support";

function candidatesOf(result: ParseResult) {
  if (!result.ok) throw new Error(`expected candidates, got ${result.error.message}`);
  return result.candidates;
}

describe("arXiv daily listing (RSS)", () => {
  const day = fixture("arxiv_rss_multi_archive_2024-11-28.xml");
  const listing = candidatesOf(parseArxiv(day));

  it("reads every one of the 1,504 announcements of a multi-archive day", () => {
    expect(listing).toHaveLength((day.match(/<item>/g) ?? []).length);
    expect(listing).toHaveLength(1504);
    expect(new Set(listing.map((c) => c.id)).size).toBe(1504);
    for (const c of listing) expect(Candidate.safeParse(c).success).toBe(true);
  });

  it("keeps the announce type of each item (new, cross, replace)", () => {
    const byType = (t: string) => listing.filter((c) => c.signals.announceType === t).length;
    const inPayload = (t: string) => (day.match(new RegExp(`<arxiv:announce_type>${t}<`, "g")) ?? []).length;
    for (const t of ["new", "cross", "replace"]) expect(byType(t)).toBe(inPayload(t));
    expect(byType("new") + byType("cross") + byType("replace")).toBe(1504);
  });

  it("normalizes an item: versionless id, abstract without the header, authors split, DOI and journal", () => {
    const pp = listing.find((c) => c.id === "arxiv:2411.17758");
    expect(pp).toMatchObject({
      title: "PP-LEM: Efficient and Privacy-Preserving Clearance Mechanism for Local Energy Markets",
      url: "https://arxiv.org/abs/2411.17758",
      authors: ["Kamil Erdayandi", "Mustafa Asan Mustafa"],
      categories: ["cs.GT", "cs.CR"],
      doi: "10.1016/j.segan.2024.101477",
      sources: ["arxiv"],
      published: "2024-11-28T05:00:00.000Z",
    });
    expect(pp?.summary.startsWith("In this paper, we propose")).toBe(true);
    expect(pp?.summary).not.toContain("Announce Type");
    expect(pp?.aliases).toEqual(
      expect.arrayContaining([
        "arxiv:2411.17758v1",
        "doi:10.48550/arxiv.2411.17758",
        "doi:10.1016/j.segan.2024.101477",
      ]),
    );
    expect(pp?.signals.journalRef).toContain("Sustainable Energy, Grids and Networks");
  });

  it("treats an empty channel as a quiet day, not an error", () => {
    const result = parseArxiv(fixture("arxiv_rss_test_archive_empty.xml"));
    expect(result).toMatchObject({ ok: true, candidates: [], quiet: true });
    expect(result.ok && result.note).toContain("Saturday and Sunday");
  });

  it("reports a bad-archive feed as an error naming the archive and its line", () => {
    const result = parseArxiv(fixture("arxiv_rss_error_bad_archive.xml"));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.source).toBe("arxiv");
    expect(result.error.message).toContain("Bad archive 'astroph'");
    expect(result.error.line).toBe(6);
  });

  it("reports a truncated listing with the position where it stops", () => {
    const truncated = day.slice(0, 50_000);
    const result = parseArxiv(truncated);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toMatch(/truncated/);
    expect(result.error.line).toBe(truncated.split("\n").length);
    expect(result.error.offset).toBe(50_000);
  });

  it("reports malformed XML with line and column", () => {
    const result = parseArxiv('<?xml version="1.0"?>\n<rss>\n  <channel><title>x</titel></channel>\n</rss>');
    expect(result).toMatchObject({ ok: false, error: { source: "arxiv", line: 3 } });
    expect(!result.ok && result.error.column).toBeGreaterThan(0);
  });
});

describe("arXiv query API (Atom)", () => {
  it("reads the current format: ids, versions, DOI, journal ref, comment, categories", () => {
    const entries = candidatesOf(parseArxiv(fixture("arxiv_api_query_testing_10_entries.xml")));
    expect(entries).toHaveLength(10);
    expect(entries[0]).toMatchObject({
      id: "arxiv:2202.12139",
      title: "Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques",
      authors: ["Mohit Kumar Ahuja", "Arnaud Gotlieb", "Helge Spieker"],
      categories: ["cs.SE", "cs.LG"],
      doi: "10.1109/ICSTW55395.2022.00035",
      published: "2022-02-24T15:05:19.000Z",
    });
    expect(entries[0]?.aliases).toContain("arxiv:2202.12139v1");
    expect(entries[0]?.signals.comment).toContain("ICST 2022");
    for (const c of entries) expect(Candidate.safeParse(c).success).toBe(true);
  });

  it("reads the legacy 2016 format: wrapped title, v2 id, DOI link, page count", () => {
    const [paper] = candidatesOf(
      parseArxiv(fixture("arxiv_api_legacy2016_idlist_1111.2011v2_doi_journalref.xml")),
    );
    expect(paper).toMatchObject({
      id: "arxiv:1111.2011",
      title: "Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit",
      doi: "10.1103/PhysRevB.85.115117",
      categories: ["cond-mat.str-el", "cond-mat.stat-mech"],
      updated: "2012-04-02T12:38:54.000Z",
      signals: { pages: 8, journalRef: "Phys. Rev. B 85, 115117 (2012)" },
    });
    expect(paper?.aliases).toContain("arxiv:1111.2011v2");
    const search = candidatesOf(
      parseArxiv(fixture("arxiv_api_legacy2016_search_au_del_maestro_10_entries.xml")),
    );
    expect(search).toHaveLength(10);
    expect(search.every((c) => c.authors.some((a) => a.includes("Del Maestro")))).toBe(true);
  });

  it("keeps old-style ids whole (astro-ph/0601001) and multi-category entries", () => {
    const [old] = candidatesOf(
      parseArxiv(fixture("arxiv_api_idlist_astro-ph_0601001_journalref_affiliation.xml")),
    );
    expect(old).toMatchObject({
      id: "arxiv:astro-ph/0601001",
      url: "https://arxiv.org/abs/astro-ph/0601001",
    });
    expect(old?.authors).toEqual(["Andrew Gould", "Susan Dorsher", "B. Scott Gaudi", "Andrzej Udalski"]);
    const [multi] = candidatesOf(parseArxiv(fixture("arxiv_api_idlist_1605.08386_multicat.xml")));
    expect(multi?.categories).toEqual(["math.CO", "math.ST"]);
  });

  it("answers an unknown id with no candidates, and an API error entry with an error", () => {
    expect(parseArxiv(fixture("arxiv_api_idlist_empty_total0.xml"))).toMatchObject({
      ok: true,
      candidates: [],
    });
    const error = parseArxiv(fixture("arxiv_api_error_400_incorrect_id.xml"));
    expect(error).toMatchObject({ ok: false, error: { source: "arxiv", line: 10 } });
    expect(!error.ok && error.error.message).toContain("incorrect id format for abc");
  });
});

describe("arXiv fetching", () => {
  it("asks for all categories in one combined listing request, with a descriptive User-Agent", async () => {
    const ctx = testContext();
    const report = await fetchArxivListing(ctx, ["cs.LG", "stat.ML", "math.OC"]);
    expect(ctx.calls).toHaveLength(1);
    expect(ctx.calls[0]?.url).toBe("https://rss.arxiv.org/rss/cs.LG+stat.ML+math.OC");
    expect(header(ctx.calls[0], "user-agent")).toMatch(/DailyFeed/);
    expect(report).toMatchObject({ source: "arxiv", failures: [], quiet: false });
    expect(report.candidates).toHaveLength(1504);
  });

  it("falls back to the configured categories when the reader names none", async () => {
    const ctx = testContext(undefined, { arxivCategories: ["q-fin.MF", "math.OC"] });
    await fetchArxivListing(ctx, []);
    expect(ctx.calls[0]?.url).toBe("https://rss.arxiv.org/rss/q-fin.MF+math.OC");
  });

  it("spaces API calls three seconds apart, as arXiv asks", async () => {
    const ctx = testContext();
    await fetchArxivByIds(ctx, ["2202.12139v1"]);
    await fetchArxivByIds(ctx, ["arXiv:1605.08386"]);
    expect(ctx.calls).toHaveLength(2);
    expect(ctx.calls[0]?.url).toContain("id_list=2202.12139");
    expect(ctx.sleeps).toEqual([3000]);
  });

  it("records a quiet day on an empty listing and a parse failure on the bad-archive feed", async () => {
    const serve =
      (name: string): typeof fetch =>
      async () =>
        new Response(fixture(name));
    const quiet = await fetchArxivListing(testContext(serve("arxiv_rss_test_archive_empty.xml")), ["test"]);
    expect(quiet).toMatchObject({ candidates: [], failures: [], quiet: true });
    const bad = await fetchArxivListing(testContext(serve("arxiv_rss_error_bad_archive.xml")), ["astroph"]);
    expect(bad.quiet).toBe(false);
    expect(bad.failures).toEqual([expect.objectContaining({ source: "arxiv", kind: "parse" })]);
    expect(bad.failures[0]?.message).toContain("line 6");
  });
});
