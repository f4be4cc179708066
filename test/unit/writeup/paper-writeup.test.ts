import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Candidate } from "../../../src/candidate";
import { type PaperContext, readEprint } from "../../../src/paper";
import { deterministicWriter } from "../../../src/writeup";
import { buildMessages } from "../../../src/writeup/llm";
import { approxTokens, PAPER_CONTEXT_TOKENS, paperContextBlock } from "../../../src/writeup/paper-context";
import { writeInput } from "./real-candidates";

const fixtures = path.resolve(import.meta.dirname, "../../fixtures");

async function paperOf(id: string, file: string): Promise<{ candidate: Candidate; paper: PaperContext }> {
  const paper = await readEprint(id, new Uint8Array(readFileSync(path.join(fixtures, file))));
  const candidate: Candidate = {
    id: `arxiv:${id}`,
    kind: "paper",
    title: `arXiv ${id}`,
    summary: paper.abstract ?? "",
    url: `https://arxiv.org/abs/${id}`,
    authors: [],
    categories: [],
    aliases: [],
    sources: ["arxiv"],
    signals: {},
  };
  return { candidate, paper };
}

/** The "schematically" fallback: a topic's textbook formula, not the paper's own. */
const TOPIC_FORMULA = /The object underneath \(/;

describe("the Concrete punch from the paper's own source", () => {
  it("quotes the paper's central equation with the sentence that introduces it", async () => {
    const { candidate, paper } = await paperOf("1803.07574", "eprint_1803.07574.tar.gz");
    const w = await deterministicWriter.writeItem(writeInput(candidate, { paper }));
    expect(w.punch).toMatch(
      /^The direct model for water propagation through a channel can be written as a linear system:\n\$\$\n/,
    );
    expect(w.punch).toContain("\\textbf{x} \\ast \\textbf{k}");
    expect(w.punch).not.toMatch(TOPIC_FORMULA);
  });

  it("states the main theorem when the paper's equations are derivation steps", async () => {
    const { candidate, paper } = await paperOf("1707.08043", "eprint_1707.08043.gz");
    const w = await deterministicWriter.writeItem(writeInput(candidate, { paper }));
    expect(w.punch).toMatch(/^\*\*Theorem\.\*\* For each \$d,h>0\$/);
  });

  it("keeps the topic formula as the last fallback, for a paper with no displayed mathematics", async () => {
    const { candidate, paper } = await paperOf("1907.10121", "eprint_1907.10121.tar.gz");
    const w = await deterministicWriter.writeItem(writeInput(candidate, { paper }));
    expect(w.punch).toMatch(/\$|\d/);
    expect(w.punch).not.toContain("The direct model");
  });

  it("writes from the abstract, as before, when only the abstract was available", async () => {
    const { candidate, paper } = await paperOf("1803.07574", "eprint_1803.07574.tar.gz");
    const abstractOnly: PaperContext = { ...paper, source: "abstract", equations: [], theorems: [] };
    delete abstractOnly.central;
    const a = await deterministicWriter.writeItem(writeInput(candidate, { paper: abstractOnly }));
    const b = await deterministicWriter.writeItem(writeInput(candidate));
    expect(a).toEqual(b);
  });
});

describe("the LLM writer's paper context", () => {
  it("gives the model the central equation and the contributions, within its token budget", async () => {
    const { candidate, paper } = await paperOf("1708.00137", "eprint_1708.00137.tar.gz");
    const block = paperContextBlock(paper);
    expect(approxTokens(block)).toBeLessThanOrEqual(PAPER_CONTEXT_TOKENS);
    expect(block).toMatch(/^From the paper's LaTeX source/);
    expect(block).toContain("Central equation");
    const central = paper.central === undefined ? undefined : paper.equations[paper.central];
    expect(block).toContain(central?.tex ?? "(none)");
    const prompt = buildMessages(writeInput(candidate, { paper }))[1]?.content ?? "";
    expect(prompt).toContain(block);
  });

  it("adds nothing when only the abstract was available", () => {
    expect(paperContextBlock(undefined)).toBe("");
  });
});
