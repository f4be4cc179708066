import { describe, expect, it } from "vitest";
import type { Candidate } from "../../../src/candidate";
import { arxivIdOf, memoryPaperCache, readPaper } from "../../../src/paper";
import { eprint } from "./fixtures";

const pick: Candidate = {
  id: "arxiv:1803.07574",
  kind: "paper",
  title: "Water Residence Time Estimation by 1D Deconvolution",
  summary: "An abstract.",
  url: "https://arxiv.org/abs/1803.07574",
  authors: [],
  categories: ["eess.SP"],
  aliases: [],
  sources: ["arxiv"],
  signals: {},
};

function server(answers: Record<string, () => Response>) {
  const asked: string[] = [];
  const fetcher = (async (input: RequestInfo | URL) => {
    const url = String(input);
    asked.push(url);
    return answers[url]?.() ?? new Response("not found", { status: 404 });
  }) as typeof fetch;
  return { fetcher, asked };
}

const deps = (fetcher: typeof fetch, cache = memoryPaperCache()) => ({
  fetch: fetcher,
  eprintUrl: "https://arxiv.test/e-print",
  htmlUrl: "https://arxiv.test/html",
  cache,
});

describe("reading a pick's paper", () => {
  it("reads the e-print once and answers the next reader from the cache", async () => {
    const { fetcher, asked } = server({
      "https://arxiv.test/e-print/1803.07574": () => new Response(eprint("eprint_1803.07574.tar.gz")),
    });
    const cache = memoryPaperCache();
    const first = await readPaper(pick, deps(fetcher, cache));
    const second = await readPaper(pick, deps(fetcher, cache));
    expect(first?.source).toBe("eprint");
    expect(second).toEqual(first);
    expect(asked).toEqual(["https://arxiv.test/e-print/1803.07574"]);
  });

  it("falls back to the HTML rendering for a PDF-only submission, saying why", async () => {
    const html = `<table class="ltx_equation" id="S1.E1"><tr><td><math alttext="y=k*x" display="block"></math></td></tr></table>`;
    const { fetcher } = server({
      "https://arxiv.test/e-print/1803.07574": () => new Response(eprint("eprint_error_pdf_only.pdf")),
      "https://arxiv.test/html/1803.07574": () => new Response(html),
    });
    const p = await readPaper(pick, deps(fetcher));
    expect(p?.source).toBe("html");
    expect(p?.fallbackReason).toMatch(/PDF-only/);
    expect(p?.equations[0]?.tex).toBe("y=k*x");
  });

  it("falls back to the abstract when neither source answers, and caches that too", async () => {
    const { fetcher, asked } = server({
      "https://arxiv.test/e-print/1803.07574": () => new Response(eprint("eprint_error_truncated.tar.gz")),
    });
    const cache = memoryPaperCache();
    const p = await readPaper(pick, deps(fetcher, cache));
    expect(p?.source).toBe("abstract");
    expect(p?.fallbackReason).toMatch(/cut short.*no HTML rendering/);
    await readPaper(pick, deps(fetcher, cache));
    expect(asked).toHaveLength(2);
  });

  it("reads nothing for tools, talks and papers without an arXiv id", async () => {
    const { fetcher, asked } = server({});
    expect(await readPaper({ ...pick, kind: "tool", id: "github:a/b" }, deps(fetcher))).toBeUndefined();
    expect(await readPaper({ ...pick, id: "doi:10.1/x" }, deps(fetcher))).toBeUndefined();
    expect(asked).toEqual([]);
    expect(arxivIdOf({ id: "hf:x", aliases: ["arxiv:2411.18268v2"] })).toBe("2411.18268");
  });
});
