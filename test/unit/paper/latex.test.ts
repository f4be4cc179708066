import { describe, expect, it } from "vitest";
import { EprintError, unpackEprint } from "../../../src/paper/archive";
import {
  assembleDocument,
  collectMacros,
  expandMacros,
  findMainFile,
  stripComments,
} from "../../../src/paper/latex";
import { eprint } from "./fixtures";

describe("finding the main file and following \\input", () => {
  it("finds the main file of a multi-file source and merges every \\input in order", async () => {
    const { files } = await unpackEprint(eprint("eprint_1907.10121.tar.gz"));
    const doc = assembleDocument(files);
    expect(doc.mainFile).toBe("paper.tex");
    expect(doc.inputs).toEqual([
      "paper.tex",
      "core-dev.tex",
      "subpackages.tex",
      "ckdtree.tex",
      "scipy-optimize.tex",
      "poly.tex",
      "consortium.tex",
    ]);
    expect(doc.body).not.toMatch(/\\input\{/);
    expect(doc.body).toContain("cKDTree");
  });

  it("finds no main file in a source without \\documentclass", async () => {
    const { files } = await unpackEprint(eprint("eprint_error_no_documentclass.tar.gz"));
    expect(() => findMainFile(files)).toThrow(EprintError);
    expect(() => findMainFile(files)).toThrow(/documentclass/);
  });

  it("ignores a \\documentclass in a comment and stops on an \\input cycle", () => {
    const files = [
      { path: "notes.tex", text: "% \\documentclass{article}\nnot the paper" },
      {
        path: "main.tex",
        text: "\\documentclass{article}\n\\begin{document}\nA \\input{a}\n\\end{document}",
      },
      { path: "a.tex", text: "B \\input{b.tex}" },
      { path: "b.tex", text: "C \\input{a}" },
    ];
    const doc = assembleDocument(files);
    expect(doc.mainFile).toBe("main.tex");
    expect(doc.body.replace(/\s+/g, " ").trim()).toBe("A B C");
  });

  it("strips comments but keeps escaped percent signs", () => {
    expect(stripComments("50\\% of it % a comment\nnext")).toBe("50\\% of it \nnext");
  });
});

describe("author macros", () => {
  it("reads macros from an author .sty that the preamble loads", () => {
    const doc = assembleDocument([
      {
        path: "main.tex",
        text: "\\documentclass{article}\n\\usepackage{amsmath,mymacros}\n\\begin{document}x\\end{document}",
      },
      { path: "mymacros.sty", text: "\\newcommand{\\KL}{D_{\\mathrm{KL}}}" },
    ]);
    expect(doc.inputs).toEqual(["main.tex", "mymacros.sty"]);
    expect(doc.macros.KL?.body).toBe("D_{\\mathrm{KL}}");
  });

  it("collects \\newcommand, \\def and \\DeclareMathOperator with their arguments", () => {
    const m = collectMacros(String.raw`
      \newcommand{\R}{\mathbb{R}}
      \newcommand\norm[1]{\left\|#1\right\|}
      \newcommand{\inner}[2][x]{\langle #1, #2\rangle}
      \def\E{\mathbb{E}}
      \def\pair#1#2{(#1,#2)}
      \DeclareMathOperator*{\argmin}{arg\,min}
      \providecommand{\R}{\mathbf{R}}
    `);
    expect(m.R).toEqual({ params: 0, body: "\\mathbb{R}" });
    expect(m.norm?.params).toBe(1);
    expect(m.inner).toEqual({ params: 2, body: "\\langle #1, #2\\rangle", optional: "x" });
    expect(m.pair?.params).toBe(2);
    expect(m.argmin?.body).toBe("\\operatorname*{arg\\,min}");
  });

  it("expands nested macros with arguments before KaTeX sees the formula", () => {
    const m = collectMacros(
      String.raw`\newcommand{\R}{\mathbb{R}}\newcommand{\norm}[1]{\|#1\|}\newcommand{\inner}[2][x]{\langle #1,#2\rangle}\def\Rn{\R^n}`,
    );
    expect(expandMacros(String.raw`\norm{v}\in\Rn, \inner{y}, \inner[a]{b}`, m)).toBe(
      String.raw`\|v\|\in\mathbb{R}^n, \langle x,y\rangle, \langle a,b\rangle`,
    );
    // a control word stays separated from the letter after it
    expect(expandMacros(String.raw`\R x`, m)).toBe(String.raw`\mathbb{R} x`);
  });

  it("stops on a self-referential macro instead of looping", () => {
    const m = collectMacros(String.raw`\def\loop{\loop a}`);
    expect(expandMacros(String.raw`\loop`, m).length).toBeGreaterThan(0);
  });

  it("reads the author's macros of a real multi-file paper, including an author .sty", async () => {
    const scipy = assembleDocument((await unpackEprint(eprint("eprint_1907.10121.tar.gz"))).files);
    expect(scipy.macros.code).toEqual({ params: 1, body: "\\texttt{#1}" });
    // its \usepackage{numcompress} lines are commented out: the shipped .sty is not part of the paper
    const elsarticle = assembleDocument((await unpackEprint(eprint("eprint_1803.07574.tar.gz"))).files);
    expect(elsarticle.inputs).toEqual(["main.tex"]);
    const amsart = assembleDocument((await unpackEprint(eprint("eprint_1707.08043.gz"))).files);
    expect(Object.keys(amsart.macros).length).toBeGreaterThan(100);
  });
});
