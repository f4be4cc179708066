import { describe, expect, it } from "vitest";
import type { Candidate } from "../../src/candidate";
import { canonicalId, identityKeys, mergeCandidates, normalizeTitle } from "../../src/identity";
import { parseArxiv } from "../../src/sources/arxiv";
import { parseHuggingFace } from "../../src/sources/huggingface";
import type { ParseResult } from "../../src/sources/result";
import { parseSemanticScholar } from "../../src/sources/semanticscholar";
import { fixture } from "./sources/support";

function candidatesOf(result: ParseResult): Candidate[] {
  if (!result.ok) throw new Error(result.error.message);
  return result.candidates;
}

function paper(id: string, title: string, extra: Partial<Candidate> = {}): Candidate {
  return {
    id,
    kind: "paper",
    title,
    summary: "",
    url: "https://example.org/paper",
    authors: [],
    categories: [],
    aliases: [],
    sources: ["semanticscholar"],
    signals: {},
    ...extra,
  };
}

describe("canonicalId", () => {
  it("gives every spelling of one arXiv paper the same id", () => {
    for (const raw of [
      "2602.03067",
      "2602.03067v2",
      "arXiv:2602.03067",
      "arxiv:2602.03067v1",
      "ARXIV:2602.03067",
      "https://arxiv.org/abs/2602.03067v2",
      "http://export.arxiv.org/abs/2602.03067",
      "https://arxiv.org/pdf/2602.03067v2.pdf",
      "arxiv.org/abs/2602.03067",
      "10.48550/arXiv.2602.03067",
      "https://doi.org/10.48550/arXiv.2602.03067",
      "doi:10.48550/ARXIV.2602.03067",
      "https://huggingface.co/papers/2602.03067",
      "oai:arXiv.org:2602.03067v2",
    ]) {
      expect(canonicalId(raw), raw).toBe("arxiv:2602.03067");
    }
  });

  it("keeps old-style ids whole, without version or subject class", () => {
    expect(canonicalId("astro-ph/0601001v1")).toBe("arxiv:astro-ph/0601001");
    expect(canonicalId("https://arxiv.org/abs/astro-ph/0601001")).toBe("arxiv:astro-ph/0601001");
    expect(canonicalId("math.GT/0309136")).toBe("arxiv:math/0309136");
  });

  it("normalizes DOIs, repositories, videos, HN items and S2 papers", () => {
    expect(canonicalId("10.1103/PhysRevB.85.115117")).toBe("doi:10.1103/physrevb.85.115117");
    expect(canonicalId("http://dx.doi.org/10.1103/PhysRevB.85.115117")).toBe(
      "doi:10.1103/physrevb.85.115117",
    );
    expect(canonicalId("https://github.com/SigmaVirus24/github3.py/tree/develop")).toBe(
      "github:sigmavirus24/github3.py",
    );
    expect(canonicalId("https://api.github.com/repos/octokit-fixture-org/hello-world")).toBe(
      "github:octokit-fixture-org/hello-world",
    );
    expect(canonicalId("https://www.youtube.com/watch?v=Elewn679CZI&t=30")).toBe("youtube:Elewn679CZI");
    expect(canonicalId("https://youtu.be/Elewn679CZI")).toBe("youtube:Elewn679CZI");
    expect(canonicalId("yt:video:Elewn679CZI")).toBe("youtube:Elewn679CZI");
    expect(canonicalId("https://news.ycombinator.com/item?id=2922756")).toBe("hn:2922756");
    expect(
      canonicalId("https://www.semanticscholar.org/paper/c31c87c591a25c64fbaa82e8ac6a81831b6ac7ce"),
    ).toBe("s2:c31c87c591a25c64fbaa82e8ac6a81831b6ac7ce");
  });

  it("names nothing for strings that identify nothing", () => {
    for (const raw of ["", "abc", "https://example.org/x", "arxiv:abc", "1234.5", "doi:not-a-doi"]) {
      expect(canonicalId(raw), raw).toBeUndefined();
    }
  });
});

describe("normalizeTitle", () => {
  it("ignores case, punctuation, accents and wrapping", () => {
    expect(normalizeTitle("Quantum Criticality for Extended\n  Nodes: the Bethe-Lattice Limit!")).toBe(
      normalizeTitle("quantum criticality for extended nodes the bethe lattice limit"),
    );
    expect(normalizeTitle("Álvaro de Rújula")).toBe("alvaro de rujula");
  });
});

describe("mergeCandidates", () => {
  it("merges an arXiv v2 record with a v1 record of the same paper", () => {
    const [v2] = candidatesOf(
      parseArxiv(fixture("arxiv_api_legacy2016_idlist_1111.2011v2_doi_journalref.xml")),
    );
    if (!v2) throw new Error("fixture has one entry");
    const v1: Candidate = { ...v2, aliases: ["arxiv:1111.2011v1"], summary: "short", signals: { pages: 3 } };
    const merged = mergeCandidates([v1, v2]);
    expect(merged).toHaveLength(1);
    expect(merged[0]?.id).toBe("arxiv:1111.2011");
    expect(merged[0]?.aliases).toEqual(expect.arrayContaining(["arxiv:1111.2011v1", "arxiv:1111.2011v2"]));
    expect(merged[0]?.summary).toBe(v2.summary);
    expect(merged[0]?.signals.pages).toBe(8);
  });

  it("merges a Semantic Scholar record found by DOI into the arXiv paper carrying that DOI", () => {
    const s2 = candidatesOf(parseSemanticScholar(fixture("s2_graph_paper_batch_full_fields.json")));
    const microfinance = s2.find((c) => c.id === "doi:10.2139/ssrn.2250500");
    if (!microfinance) throw new Error("fixture holds the microfinance paper");
    const preprint = paper(
      "arxiv:1305.00001",
      "The miracle of microfinance? Evidence from a randomized evaluation",
      {
        sources: ["arxiv"],
        url: "https://arxiv.org/abs/1305.00001",
        doi: "10.2139/SSRN.2250500",
        signals: { announceType: "new" },
      },
    );
    const merged = mergeCandidates([preprint, microfinance]);
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({
      id: "arxiv:1305.00001",
      url: "https://arxiv.org/abs/1305.00001",
      sources: ["arxiv", "semanticscholar"],
      signals: { announceType: "new", citations: microfinance.signals.citations },
    });
    expect(merged[0]?.aliases).toContain(`s2:${"cb1ebd913c3724c599f6b276b14b5c6253da68f3"}`);
    expect(merged[0]?.summary).toBe(microfinance.summary);
  });

  it("merges a Hugging Face daily paper with the arXiv listing of the same id, keeping both signals", () => {
    const hf = candidatesOf(parseHuggingFace(fixture("hf_api_daily_papers_2024-10-25.json")))[0];
    if (!hf) throw new Error("fixture has papers");
    const id = hf.id.slice("arxiv:".length);
    const rss = `<?xml version='1.0' encoding='UTF-8'?>
<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0"><channel>
<title>cs updates on arXiv.org</title>
<item><title>${hf.title}</title><link>https://arxiv.org/abs/${id}</link>
<description>arXiv:${id}v2 Announce Type: replace
Abstract: Short.</description><guid isPermaLink="false">oai:arXiv.org:${id}v2</guid><category>cs.CV</category>
<arxiv:announce_type>replace</arxiv:announce_type><dc:creator>Zesen Cheng, Hang Zhang</dc:creator></item>
</channel></rss>`;
    const [listed] = candidatesOf(parseArxiv(rss));
    if (!listed) throw new Error("listing has one item");
    const merged = mergeCandidates([listed, hf]);
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({
      id: hf.id,
      url: `https://arxiv.org/abs/${id}`,
      categories: ["cs.CV"],
      sources: ["arxiv", "huggingface"],
      signals: {
        announceType: "replace",
        hfUpvotes: hf.signals.hfUpvotes,
        hfComments: hf.signals.hfComments,
      },
      summary: hf.summary,
    });
  });

  it("merges near-identical titles of papers known under different ids", () => {
    const a = paper("doi:10.5555/3295222.3295349", "Attention Is All You Need", {
      signals: { citations: 90000 },
    });
    const b = paper("s2:204e3073870fae3d05bcbc2f6a8e263d9b72e776", "Attention is all you need.", {
      signals: { citations: 100000, tldr: "Transformers." },
    });
    const merged = mergeCandidates([a, b]);
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({ id: a.id, signals: { citations: 100000, tldr: "Transformers." } });
    expect(merged[0]?.aliases).toContain(b.id);
  });

  it("does not merge two different arXiv preprints that share a title, nor a talk with its paper", () => {
    const one = paper("arxiv:2401.00001", "Optimal transport for attention", { sources: ["arxiv"] });
    const two = paper("arxiv:2402.00002", "Optimal Transport for Attention", { sources: ["arxiv"] });
    const talk: Candidate = {
      ...paper("youtube:abcdefghijk", "Optimal transport for attention"),
      kind: "video",
    };
    expect(mergeCandidates([one, two, talk])).toHaveLength(3);
    const different = paper("doi:10.1/x", "Optimal transport for attention in vision transformers");
    expect(mergeCandidates([one, different])).toHaveLength(2);
  });

  it("keeps a real day of 1,504 distinct announcements distinct", () => {
    const day = candidatesOf(parseArxiv(fixture("arxiv_rss_multi_archive_2024-11-28.xml")));
    expect(mergeCandidates([...day, ...day.slice(0, 100)])).toHaveLength(1504);
  });
});

describe("identityKeys", () => {
  it("lists the id and every alias in canonical form, for seen-set checks", () => {
    const [entry] = candidatesOf(
      parseArxiv(fixture("arxiv_api_legacy2016_idlist_1111.2011v2_doi_journalref.xml")),
    );
    if (!entry) throw new Error("fixture has one entry");
    const keys = identityKeys(entry);
    expect(keys).toEqual(expect.arrayContaining(["arxiv:1111.2011", "doi:10.1103/physrevb.85.115117"]));
    expect(keys.every((k) => canonicalId(k) === k)).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
