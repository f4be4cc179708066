import { describe, expect, it } from "vitest";
import { type PaperContext, readEprint } from "../../../src/paper";
import { centralEquation } from "../../../src/paper/extract";
import { parseArxivHtml } from "../../../src/paper/html";
import { proseToMarkdown } from "../../../src/paper/prose";
import type { PaperEquation } from "../../../src/paper/types";
import { eprint } from "./fixtures";

async function read(id: string, file: string): Promise<PaperContext> {
  return readEprint(id, eprint(file));
}

describe("what is extracted from a paper's LaTeX", () => {
  it("finds the displayed equations with their labels, the sentence before and the 'with/where' after", async () => {
    const p = await read("1803.07574", "eprint_1803.07574.tar.gz");
    expect(p.mainFile).toBe("main.tex");
    expect(p.equations.length).toBeGreaterThanOrEqual(10);
    const central = p.central === undefined ? undefined : p.equations[p.central];
    expect(central?.labels).toEqual(["1"]);
    expect(central?.tex).toContain("\\textbf{x} \\ast \\textbf{k}");
    expect(central?.before).toBe(
      "The direct model for water propagation through a channel can be written as a linear system:",
    );
    expect(central?.after).toMatch(/^with: \$\\textbf\{y\}/);
    expect(central?.section).toBe("Model");
  });

  it("reads the introduction's contribution list", async () => {
    const p = await read("1803.07574", "eprint_1803.07574.tar.gz");
    expect(p.contributions.length).toBe(5);
    expect(p.contributions[0]).toBe("passive: only input rainfall and output aquifer levels are required;");
  });

  it("reads theorem statements with their mathematics, macros expanded", async () => {
    const p = await read("1707.08043", "eprint_1707.08043.gz");
    expect(p.theorems.length).toBeGreaterThanOrEqual(4);
    const first = p.theorems[0];
    expect(first?.kind).toBe("Theorem");
    expect(first?.statement).toContain("$k$-algebra $R$");
    expect(first?.statement).not.toMatch(/\\(?:cite|label)\b/);
    // theorems and propositions come before lemmas
    expect(p.theorems.findIndex((t) => t.kind === "Lemma")).toBeGreaterThan(0);
  });

  it("gives no central equation for a paper without displayed mathematics", async () => {
    const p = await read("1907.10121", "eprint_1907.10121.tar.gz");
    expect(p.equations).toEqual([]);
    expect(p.central).toBeUndefined();
    expect(p.abstract).toMatch(/^SciPy is an open source scientific computing library/);
  });

  it("records what reading cost", async () => {
    const p = await read("1708.00137", "eprint_1708.00137.tar.gz");
    expect(p.cost?.bytesIn).toBe(eprint("eprint_1708.00137.tar.gz").length);
    expect(p.cost?.bytesOut).toBeGreaterThan(100_000);
  });
});

describe("choosing the central equation", () => {
  const eq = (over: Partial<PaperEquation>): PaperEquation => ({
    tex: "a=b+c",
    labels: [],
    section: "Method",
    before: "It reads",
    after: "",
    references: 0,
    citedEarly: false,
    index: 0,
    ...over,
  });

  it("prefers the equation the introduction cites over a later, more decorated one", () => {
    const i = centralEquation([
      eq({ index: 0, section: "Background", tex: "x=y" }),
      eq({ index: 1, section: "Method", references: 1 }),
      eq({ index: 2, section: "Method", citedEarly: true, tex: "L(\\theta)=\\sum_i \\ell_i" }),
    ]);
    expect(i).toBe(2);
  });

  it("passes over background definitions and appendix derivations", () => {
    const i = centralEquation([
      eq({ index: 0, section: "Preliminaries", references: 3 }),
      eq({ index: 1, section: "Appendix: Proofs", references: 4 }),
      eq({ index: 2, section: "Our approach", references: 1 }),
    ]);
    expect(i).toBe(2);
  });
});

describe("LaTeX prose as Markdown", () => {
  it("folds accents, drops citations and labels, and keeps math with macros expanded", () => {
    const md = proseToMarkdown(
      String.raw`The Schr\"odinger bridge~\cite{leonard} of Fran\c{c}ois, see Section~\ref{sec:x}: \emph{fast} $\R^n$\label{a}.`,
      {
        R: { params: 0, body: "\\mathbb{R}" },
      },
    );
    expect(md).toBe("The Schrödinger bridge of François, see a later section: *fast* $\\mathbb{R}^n$.");
  });
});

describe("arXiv's HTML rendering as the fallback", () => {
  it("reads display formulas from LaTeXML's alttext and the sentence before them", () => {
    const html = `<div class="ltx_abstract"><h6>Abstract</h6><p class="ltx_p">We study a thing.</p></div>
      <section><h2 class="ltx_title ltx_title_section">2 Method</h2>
      <p class="ltx_p">The loss we minimize is</p>
      <table class="ltx_equation ltx_eqn_table" id="S2.E1"><tr><td><math alttext="L(\\theta)=\\sum_{i}\\ell_{i}(\\theta)" display="block"></math></td></tr></table>
      <p class="ltx_p">By <a href="#S2.E1">(1)</a> we get it.</p></section>`;
    const p = parseArxivHtml("2401.00001", html);
    expect(p?.source).toBe("html");
    expect(p?.abstract).toBe("We study a thing.");
    expect(p?.equations[0]).toMatchObject({
      tex: "L(\\theta)=\\sum_{i}\\ell_{i}(\\theta)",
      before: "The loss we minimize is",
      references: 1,
      section: "2 Method",
    });
    expect(p?.central).toBe(0);
  });
});
