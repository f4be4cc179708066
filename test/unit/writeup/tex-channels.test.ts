import { describe, expect, it } from "vitest";
import { fieldToHtml, fieldToPlain, fieldToTelegramHtml } from "../../../src/render/field-serializers";
import { htmlToParityText } from "../../../src/render/parity";
import { texToUnicode } from "../../../src/tex/tex-unicode";
import { foldTextAccents, hasAccentArtifact } from "../../../src/tex/text-accents";
import { cleanAbstract, deterministicWriter } from "../../../src/writeup";
import { rssCandidate, writeInput } from "./real-candidates";

/** What a reader sees of a field in each channel. */
function channels(md: string): Record<string, string> {
  return {
    web: htmlToParityText(fieldToHtml(md, { math: "katex" })),
    "email-html": htmlToParityText(fieldToHtml(md, { math: "unicode" })),
    "email-text": fieldToPlain(md),
    telegram: htmlToParityText(fieldToTelegramHtml(md)),
  };
}

/** KaTeX's error rendering: a red `katex-error` span, or an undefined macro's name in its red error colour. */
const KATEX_RED = /katex-error|color:\s*#cc0000/;

describe("text accents become letters in every channel", () => {
  it("folds the accent forms abstracts use", () => {
    expect(foldTextAccents(String.raw`Schr\"odinger, Schr\"{o}dinger, Schr{\"o}dinger`)).toBe(
      "Schrödinger, Schrödinger, Schrödinger",
    );
    expect(
      foldTextAccents(String.raw`Poincar\'e, Fran\c{c}ois, Erd\H{o}s, na\"{\i}ve, Stra\ss e, Bj\o rn`),
    ).toBe("Poincaré, François, Erdős, naïve, Straße, Bjørn");
    expect(foldTextAccents(String.raw`Schr\''odinger`)).toBe("Schrödinger");
    // commands that only start like an accent are left alone
    expect(foldTextAccents(String.raw`\cite{x} \url{y} \underline{z}`)).toBe(
      String.raw`\cite{x} \url{y} \underline{z}`,
    );
  });

  it("shows Schrödinger, not Schr\"odinger, in a real abstract's write-up, in every channel", async () => {
    // arXiv:2411.17730 writes "Schr\"odinger" in its abstract
    const c = rssCandidate("2411.17730");
    expect(c.summary).toContain('Schr\\"odinger');
    const w = await deterministicWriter.writeItem(writeInput(c));
    for (const md of [cleanAbstract(c.summary), w.intuition, w.punch, w.significance]) {
      expect(md).not.toContain('\\"');
      for (const [channel, text] of Object.entries(channels(md))) {
        expect(hasAccentArtifact(text), `${channel}: ${text.slice(0, 80)}`).toBe(false);
      }
    }
    expect(channels(cleanAbstract(c.summary))["email-text"]).toContain("Schrödinger");
  });

  it("folds accents in fields a model wrote, before Markdown eats the backslash", () => {
    for (const text of Object.values(channels(String.raw`The Schr\"odinger bridge of L\'evy processes`))) {
      expect(text).toContain("Schrödinger bridge of Lévy processes");
    }
  });
});

describe("formulas never render as KaTeX's red error", () => {
  it("resolves the author macros the recorded day's abstracts use without defining them", () => {
    for (const tex of [
      String.raw`\pi_1(\PP^2\setminus C)`,
      String.raw`e^{-\beta \Hcal_N}`,
      String.raw`K_X+B\sim_{\RR} 0`,
      String.raw`\mbox{Vol}(M,g_{t})`,
      String.raw`a\unicode{x2013}b`,
      String.raw`\mathbbm{1}`,
    ]) {
      const html = fieldToHtml(`$${tex}$`, { math: "katex" });
      expect(html, tex).not.toMatch(KATEX_RED);
      expect(html).toContain('class="katex"');
    }
    expect(texToUnicode(String.raw`\RR^n`)).toBe("ℝⁿ");
  });

  it("falls back to readable Unicode for a macro nothing can resolve", () => {
    const html = fieldToHtml(String.raw`$\frobnicate{x}+\alpha$`, { math: "katex" });
    expect(html).not.toMatch(KATEX_RED);
    expect(html).toContain('class="math-fallback"');
    expect(htmlToParityText(html)).toContain("α");
    expect(htmlToParityText(html)).not.toContain("\\");
  });
});
