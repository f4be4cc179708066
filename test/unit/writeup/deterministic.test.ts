import { describe, expect, it } from "vitest";
import type { Candidate } from "../../../src/candidate";
import { Writeup } from "../../../src/issue";
import { fieldToHtml, fieldToPlain, fieldToTelegramHtml } from "../../../src/render/field-serializers";
import { normalizeForParity } from "../../../src/render/parity";
import {
  deterministicWriter,
  distinctIntuitions,
  domainOf,
  formatDuration,
  splitSentences,
  timeCostOf,
} from "../../../src/writeup";
import {
  BATCH_IDS,
  demoReader,
  HF_BATCH_IDS,
  hfCandidate,
  rssCandidate,
  rssCandidates,
  writeInput,
} from "./real-candidates";

/** A formula ($…$, $$…$$) or a quantified result (a figure, or "an order of magnitude"). */
const FORMULA_OR_NUMBER = /\$[^$]+\$|\d|orders? of magnitude/;

function batch(): Candidate[] {
  return [...BATCH_IDS.map(rssCandidate), ...HF_BATCH_IDS.map(hfCandidate)];
}

describe("deterministic writer on real abstracts", () => {
  it("writes all six fields, non-empty and valid, for every pick of a realistic batch", async () => {
    const writeups = await Promise.all(batch().map((c) => deterministicWriter.writeItem(writeInput(c))));
    expect(writeups).toHaveLength(13);
    for (const w of writeups) {
      expect(Writeup.safeParse(w).success).toBe(true);
      for (const value of Object.values(w)) expect(value.trim().length).toBeGreaterThan(0);
      expect(w.intuition.length).toBeGreaterThan(80);
      expect(w.significance.length).toBeGreaterThan(40);
    }
  });

  it("puts a formula or a quantified result in every Concrete punch", async () => {
    for (const c of batch()) {
      const w = await deterministicWriter.writeItem(writeInput(c));
      expect(w.punch, c.title).toMatch(FORMULA_OR_NUMBER);
    }
  });

  it("gives no two items of an issue the same Intuition sentence", async () => {
    const writeups = await Promise.all(batch().map((c) => deterministicWriter.writeItem(writeInput(c))));
    const seen = new Map<string, number>();
    writeups.forEach((w, i) => {
      for (const s of splitSentences(w.intuition)) {
        expect(seen.has(s), `"${s}" in items ${seen.get(s)} and ${i}`).toBe(false);
        seen.set(s, i);
      }
    });
  });

  it("writes byte-identical text for the same input, also from a fresh copy of the candidate", async () => {
    for (const c of batch()) {
      const first = await deterministicWriter.writeItem(writeInput(c));
      const second = await deterministicWriter.writeItem(writeInput(structuredClone(c)));
      expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    }
  });

  it("lifts the abstract's own formula into the punch, as display math when it is long", async () => {
    // PPO with delayed rewards: "a bounded performance gap of $(2\varsigma\gamma\alpha^2)/(1-\gamma)^2$"
    const w = await deterministicWriter.writeItem(writeInput(rssCandidate("2411.17861")));
    expect(w.punch).toContain("$$\n(2\\varsigma\\gamma\\alpha^2)/(1-\\gamma)^2\n$$");
    expect(w.punch).toContain("they prove");
  });

  it("bolds the headline number with its unit and baseline", async () => {
    // MAS-Attention: "up to 2.75x speedup and 54% reduction in energy consumption as compared to … (FLAT)"
    const w = await deterministicWriter.writeItem(writeInput(rssCandidate("2411.17720")));
    expect(w.punch).toContain("**2.75×** speedup");
    expect(w.punch).toContain("**54%** reduction in energy consumption");
    expect(w.punch).toContain("FLAT");
  });

  it("states the topic's standard equation when the abstract has no formula and no number", async () => {
    // KACDP: no formula and no figure in the abstract (only "F1" as a metric name)
    const c = rssCandidate("2411.17783");
    expect(c.summary).not.toContain("$");
    const w = await deterministicWriter.writeItem(writeInput(c));
    expect(w.punch).toMatch(/\$\$[\s\S]+\$\$/);
    expect(w.punch).toContain("Kolmogorov–Arnold");
  });

  it("writes in the third person and without dangling connectives", async () => {
    for (const c of batch()) {
      const w = await deterministicWriter.writeItem(writeInput(c));
      expect(w.intuition, c.title).not.toMatch(/\b(we|our)\b/i);
      expect(w.intuition, c.title).not.toMatch(/^(However|Moreover|Furthermore|Additionally),/);
    }
  });

  it("renders every field of every write-up in all channels without TeX soup and with the same text", async () => {
    for (const c of batch()) {
      const w = await deterministicWriter.writeItem(writeInput(c));
      for (const field of [w.intuition, w.punch, w.significance, w.whyItMatches]) {
        expect(fieldToHtml(field, { math: "katex" })).not.toContain("katex-error");
        expect(fieldToPlain(field)).not.toMatch(/\\[a-zA-Z]{2,}/);
        expect(fieldToTelegramHtml(field)).not.toMatch(/\$|\\[a-zA-Z]{2,}/);
        // same text in every channel, up to formatting
        const text = normalizeForParity(field);
        expect(normalizeForParity(fieldToHtml(field, { math: "katex" }))).toBe(text);
        expect(normalizeForParity(fieldToHtml(field, { math: "unicode" }))).toBe(text);
        expect(normalizeForParity(fieldToTelegramHtml(field))).toBe(text);
        expect(normalizeForParity(fieldToPlain(field))).toBe(text);
      }
    }
  });

  it("builds Why it matches from the scorer's explanation", async () => {
    const w = await deterministicWriter.writeItem(
      writeInput(rssCandidate("2411.17720"), {
        explanation: {
          interests: ["transformers and attention"],
          liked: ["FlashAttention"],
          lenses: ["duality"],
          signals: ["84 HF upvotes"],
          text: "attention kernels",
        },
      }),
    );
    expect(w.whyItMatches).toContain("transformers and attention");
    expect(w.whyItMatches).toContain("“FlashAttention”");
    expect(w.whyItMatches).toContain("duality");
    expect(w.whyItMatches).toContain("84 HF upvotes");
  });

  it("handles the whole recorded day without throwing and with a punch for every paper", async () => {
    const day = rssCandidates().filter((c) => c.summary.length > 200);
    expect(day.length).toBeGreaterThan(1000);
    let withoutFormulaOrNumber = 0;
    for (const c of day) {
      const w = await deterministicWriter.writeItem(writeInput(c));
      if (!FORMULA_OR_NUMBER.test(w.punch)) withoutFormulaOrNumber++;
    }
    expect(withoutFormulaOrNumber).toBe(0);
  });
});

describe("distinctIntuitions", () => {
  it("drops from a later item the sentences an earlier item already carries", async () => {
    const c = rssCandidate("2411.17866");
    const w = await deterministicWriter.writeItem(writeInput(c));
    const [first, second] = distinctIntuitions([
      { title: "A", intuition: w.intuition },
      { title: "B", intuition: `${w.intuition} A sentence only B has.` },
    ]);
    expect(first?.intuition).toBe(w.intuition);
    expect(second?.intuition).toBe("A sentence only B has.");
  });
});

describe("tools and talks", () => {
  const lobsim: Candidate = {
    id: "github:kpetridis24/lobsim",
    kind: "tool",
    title: "LOBSIM — deterministic L3 limit order book replay + paper execution engine",
    summary:
      "Deterministic L3 limit order book replay and paper execution engine with a C++20 core and Python bindings.",
    url: "https://github.com/kpetridis24/lobsim",
    authors: ["kpetridis24"],
    categories: [],
    aliases: [],
    sources: ["github"],
    signals: {
      stars: 212,
      language: "C++",
      readme: [
        "# LOBSIM",
        "",
        "LOBSIM is a deterministic, per-order (L3) replay engine. It emits structured facts (fills, event-apply records, diagnostics) via a sink interface, making backtests debuggable.",
        "",
        "## Install",
        "```bash",
        "pip install lobsim",
        "```",
        "",
        "## Usage",
        "```python",
        "from lobsim.engine import PaperTradingSimulator",
        "from lobsim.sink import InMemoryLogSink",
        "engine = PaperTradingSimulator()",
        "sink = InMemoryLogSink()",
        "engine.set_log_sink(sink)",
        "fills = sink.get_fills()",
        "```",
      ].join("\n"),
    },
  };

  it("says what a tool is for and lifts its README usage example", async () => {
    const w = await deterministicWriter.writeItem(writeInput(lobsim, { tags: ["market-microstructure"] }));
    expect(w.punch).toContain("```python\nfrom lobsim.engine import PaperTradingSimulator");
    expect(w.punch).not.toContain("pip install");
    expect(w.intuition).toContain("replay");
    expect(w.timeCost).toBe("15–30 min to scan README + run a demo");
    expect(w.domain.startsWith("Finance")).toBe(true);
  });

  it("gives a talk a one-line reason and its duration", () => {
    const talk: Candidate = {
      id: "youtube:jgrkhZ8ovVc",
      kind: "video",
      title: "Optimal Transport, part 1 — Marco Cuturi (MLSS 2020)",
      summary:
        "Lecture on optimal transport: Monge, Kantorovich, duality, entropic regularization and Sinkhorn.",
      url: "https://www.youtube.com/watch?v=jgrkhZ8ovVc",
      authors: [],
      categories: [],
      aliases: [],
      sources: ["youtube"],
      signals: { durationSeconds: 5640, channel: "MLSS" },
    };
    const pick: Candidate = {
      ...rssCandidate("2411.17720"),
      title: "FlashSinkhorn",
      summary: "Sinkhorn optimal transport on GPUs.",
    };
    const reason = deterministicWriter.videoReason(talk, { picks: [pick], profile: demoReader });
    expect(reason).not.toContain("\n");
    expect(reason).toContain("FlashSinkhorn");
    expect(timeCostOf(talk)).toBe("1h 34m");
  });
});

describe("domain and time cost", () => {
  it("formats durations like the examples", () => {
    expect(formatDuration(5640)).toBe("1h 34m");
    expect(formatDuration(38 * 60)).toBe("38 min");
    expect(formatDuration(3600)).toBe("1h");
  });

  it("reads page counts from the arXiv comment and charges more for longer, mathier papers", () => {
    const base = rssCandidate("2411.17783");
    const short = timeCostOf(base);
    const long = timeCostOf({ ...base, signals: { ...base.signals, comment: "48 pages, 9 figures" } });
    const minutes = (s: string) => Math.max(...[...s.matchAll(/(\d+)\s*min/g)].map((m) => Number(m[1])));
    expect(minutes(long)).toBeGreaterThan(minutes(short));
    expect(short).toMatch(/^~\d+min read$/);
    expect(timeCostOf(rssCandidate("2411.18154"))).toMatch(/min abstract\+main derivation, \d+–\d+ min/);
  });

  it("names field, topic and sub-field", () => {
    expect(domainOf(rssCandidate("2411.17720"), [])).toBe("ML / Transformers / Systems");
    expect(domainOf(rssCandidate("2411.18154"), [])).toBe(
      "Finance / Derivatives Pricing / Mathematical Finance",
    );
    expect(domainOf(rssCandidate("2411.17783"), []).startsWith("Finance / Credit Risk")).toBe(true);
  });
});

/** The generic openers Significance used to start with whatever the paper said. */
const STOCK_OPENER =
  /^(Cost is the story|A statement you can lean on|A new yardstick|It connects what the model learns|If the gain holds|Evidence, not a method)/;

/** Papers of the recorded 2026-11-23 build (theory-heavy: no headline numbers). */
const BUILD_IDS = ["2411.18268", "2411.17807", "2411.18359"];

function wordsOf(s: string): string[] {
  return s
    .toLowerCase()
    .replace(/\*\*/g, "")
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** True when `text` quotes at least `n` consecutive words of `source`. */
function quotes(text: string, source: string, n = 6): boolean {
  const src = ` ${wordsOf(source).join(" ")} `;
  const w = wordsOf(text);
  for (let i = 0; i + n <= w.length; i++) if (src.includes(` ${w.slice(i, i + n).join(" ")} `)) return true;
  return false;
}

describe("Significance says what the paper found, not a stock line", () => {
  const papers = () => [...batch(), ...BUILD_IDS.map(rssCandidate)];

  it("opens with the paper's own result or implication for every pick of a realistic batch", async () => {
    for (const c of papers()) {
      const w = await deterministicWriter.writeItem(writeInput(c));
      expect(w.significance, c.title).not.toMatch(STOCK_OPENER);
      const first = splitSentences(w.significance.replace(/^For your work on [^:]+:\s*/, ""))[0] ?? "";
      expect(quotes(first, c.summary), `${c.title}: ${first}`).toBe(true);
    }
  });

  it("keeps Significance to at most three sentences", async () => {
    for (const c of papers()) {
      const w = await deterministicWriter.writeItem(writeInput(c));
      expect(splitSentences(w.significance).length, w.significance).toBeLessThanOrEqual(3);
    }
  });

  it("quotes what the bosonic-Gaussian paper's formulas are for, tied to the reader's interest", async () => {
    const c = rssCandidate("2411.18268");
    const tied = await deterministicWriter.writeItem(
      writeInput(c, {
        explanation: { interests: ["information geometry"], liked: [], lenses: [], signals: [], text: "" },
      }),
    );
    expect(tied.significance).toMatch(/^For your work on information geometry: /);
    expect(tied.significance).toContain("natural gradient descent");
    // an interest the abstract does not touch is not claimed
    const untied = await deterministicWriter.writeItem(
      writeInput(c, {
        explanation: {
          interests: ["market microstructure and limit order books"],
          liked: [],
          lenses: [],
          signals: [],
          text: "",
        },
      }),
    );
    expect(untied.significance).not.toContain("For your work on");
  });

  it("never uses a stock line over the whole recorded day when an unquoted sentence says what the work enables", async () => {
    const day = rssCandidates().filter((c) => c.summary.length > 200);
    const misses: string[] = [];
    for (const c of day) {
      const w = await deterministicWriter.writeItem(writeInput(c));
      if (!STOCK_OPENER.test(w.significance)) continue;
      const enabling = splitSentences(c.summary).filter(
        (s) => /\b(enables?|allows?)\b/i.test(s) && !quotes(s, `${w.intuition} ${w.punch}`, 8),
      );
      if (enabling.length > 0) misses.push(`${c.id}: ${enabling[0]}`);
    }
    expect(misses).toEqual([]);
  });
});

describe("Intuition reads like the examples", () => {
  it("never ends on a cut sentence and stays near two sentences and seventy words over the whole day", async () => {
    const day = rssCandidates().filter((c) => c.summary.length > 200);
    for (const c of day) {
      const w = await deterministicWriter.writeItem(writeInput(c));
      expect(w.intuition, c.id).not.toMatch(/(…|\.\.\.)$/);
      expect(splitSentences(w.intuition).length, c.id).toBeLessThanOrEqual(3);
      expect(w.intuition.split(/\s+/).length, c.id).toBeLessThanOrEqual(100);
    }
  });

  it("leads with what the authors do rather than the field's background", async () => {
    const bosonic = await deterministicWriter.writeItem(writeInput(rssCandidate("2411.18268")));
    expect(bosonic.intuition).not.toContain("form a fundamental class");
    expect(bosonic.intuition).toContain("Fisher-Bures and Kubo-Mori information matrices");
    // "these states" is named, since the sentence that named them is left out
    expect(bosonic.intuition).toContain("information geometry of bosonic Gaussian thermal states");
    const kasba = await deterministicWriter.writeItem(writeInput(rssCandidate("2411.17838")));
    expect(kasba.intuition).not.toContain("increasingly prevalent");
  });

  it("ends a long sentence at a clause boundary instead of mid-phrase", async () => {
    // "…in terms of a relative distance: the model is said to be … approximation to the training dataset, …"
    const w = await deterministicWriter.writeItem(writeInput(rssCandidate("2411.17807")));
    expect(w.intuition).toContain("in terms of a relative distance.");
    expect(w.intuition).not.toContain("approximation to the training");
  });

  it("keeps the abstract's LaTeX intact", async () => {
    const w = await deterministicWriter.writeItem(writeInput(rssCandidate("2411.18359")));
    expect(w.intuition).toContain("large $N$ behavior");
  });
});

describe("Concrete punch picks the paper's own topic", () => {
  it("gives the bosonic-Gaussian information-geometry paper the Fisher metric, not the Schrödinger equation", async () => {
    const w = await deterministicWriter.writeItem(writeInput(rssCandidate("2411.18268")));
    expect(w.punch).not.toContain("i\\hbar");
    expect(w.punch).toContain("Fisher metric");
    expect(w.punch).toMatch(/\$\$[\s\S]+\\mathrm\{KL\}[\s\S]+\$\$/);
  });

  it("uses the Schrödinger equation only for papers about time evolution", async () => {
    const day = rssCandidates().filter((c) => c.summary.length > 200);
    for (const c of day) {
      const w = await deterministicWriter.writeItem(writeInput(c));
      if (!w.punch.includes("i\\hbar\\,\\partial_t")) continue;
      expect(`${c.title} ${c.summary}`, c.id).toMatch(
        /schr(ö|o|\\"o|\\''o)dinger equation|dynamics|evolution|quench|quantum walk|hamiltonian simulation/i,
      );
    }
  });

  it("leads with the headline number when the punch also states a background equation", async () => {
    const w = await deterministicWriter.writeItem(writeInput(rssCandidate("2411.17720")));
    expect(w.punch).toMatch(/^They report up to \*\*2\.75×\*\* speedup/);
    expect(w.punch.indexOf("The object underneath")).toBeGreaterThan(w.punch.indexOf("**2.75×**"));
  });
});
