import { describe, expect, it } from "vitest";
import {
  fieldToHtml,
  fieldToPlain,
  fieldToTelegramHtml,
  katexCssHref,
} from "../../src/render/field-serializers";
import { htmlToParityText, normalizeForParity } from "../../src/render/parity";
import { texToUnicode } from "../../src/tex/tex-unicode";

/** The Concrete punch of the FlashSinkhorn pick in the 2026-02-13 example issue, as written there. */
const FLASH_SINKHORN_PUNCH = String.raw`EOT solves
$$
P^* \in \arg\min_{P\ge 0,\;P\mathbf 1=a,\;P^\top\mathbf 1=b}\;\langle C, P\rangle + \varepsilon \sum_{ij} P_{ij}(\log P_{ij}-1).
$$
In the dual/log view, the coupling takes the exponential form
$$
P_{ij}=\exp\big((u_i+v_j-C_{ij})/\varepsilon\big),
$$
with iterative updates that are (schematically) row/column LogSumExp reductions:
$$
u_i \leftarrow \log a_i - \operatorname{LSE}_j\big((v_j-C_{ij})/\varepsilon\big),\qquad
v_j \leftarrow \log b_j - \operatorname{LSE}_i\big((u_i-C_{ij})/\varepsilon\big),
$$
where $\operatorname{LSE}(z)=\log\sum_k e^{z_k}$. This is exactly the normalization kernel family attention accelerators target.`;

/** The LOBSIM punch: prose, inline code and a fenced Python block. */
const LOBSIM_PUNCH = [
  "They expose a canonical event schema (`ADD/DELETE/SUBTRACT/SET/MATCH`, plus strategy-side aggressive trades), and a minimal usage loop is literally “apply events, query state”:",
  "",
  "```python",
  "from lobsim.engine import PaperTradingSimulator",
  "engine = PaperTradingSimulator()",
  "top10_bids = engine.l2_top_n(Side.BUY, 10)  # [(price_ticks, qty_lots), ...]",
  "if a < b and b > c: pass",
  "```",
].join("\n");

const SIGNIFICANCE =
  "This paper reports up to **32×** forward and **161×** end-to-end speedups on A100 versus *online* baselines. Also: open-source implementation: https://github.com/ot-triton-lab/ot_triton and [the paper](https://arxiv.org/abs/2602.03067).";

const TELEGRAM_TAGS = new Set(["b", "i", "u", "s", "code", "pre", "a", "blockquote"]);

function tagsIn(html: string): string[] {
  return [...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => (m[1] ?? "").toLowerCase());
}

describe("texToUnicode", () => {
  it("writes the notation the brief names in Unicode", () => {
    expect(texToUnicode(String.raw`\varepsilon`)).toBe("ε");
    expect(texToUnicode("x^2")).toBe("x²");
    expect(texToUnicode(String.raw`\sum_{ij}`)).toBe("∑ᵢⱼ");
    expect(texToUnicode(String.raw`\frac{a}{b}`)).toBe("(a)/(b)");
    expect(texToUnicode(String.raw`\operatorname{LSE}`)).toBe("LSE");
    expect(texToUnicode(String.raw`\mathbf 1`)).toBe("𝟏");
    expect(texToUnicode(String.raw`P^\top`)).toBe("Pᵀ");
  });

  it("leaves no backslash command in any formula of the example issue", () => {
    const formulas = [...FLASH_SINKHORN_PUNCH.matchAll(/\$\$([\s\S]+?)\$\$|\$([^$]+)\$/g)].map(
      (m) => m[1] ?? m[2] ?? "",
    );
    formulas.push(
      String.raw`W_c(\mu,\nu)=\sup_{\varphi,\psi}\;\int \varphi\,d\mu + \int \psi\,d\nu\quad\text{s.t.}\quad \varphi(x)+\psi(y)\le c(x,y)`,
      String.raw`\Delta p_{t+1} \approx \lambda\,\mathrm{OFI}_t,\qquad \mathrm{OFI}_t := (\Delta V^{\text{bid}}_t - \Delta V^{\text{ask}}_t)`,
      String.raw`\mathbb E\,\|v_\theta(x_t,t)-u_t\|^2`,
    );
    expect(formulas.length).toBeGreaterThanOrEqual(7);
    for (const tex of formulas) {
      const u = texToUnicode(tex);
      expect(u, tex).not.toMatch(/\\[a-zA-Z]/);
      expect(u, tex).not.toMatch(/[{}]/);
    }
    expect(texToUnicode(formulas[0] ?? "")).toContain("ε ∑ᵢⱼ Pᵢⱼ(log Pᵢⱼ−1)");
    expect(texToUnicode(String.raw`\dot x = v^*(x,t)`)).toBe("ẋ = v*(x,t)");
  });

  it("falls back to ^(…) and _(…) for scripts Unicode cannot write", () => {
    expect(texToUnicode(String.raw`v_\theta`)).toBe("v_θ");
    expect(texToUnicode("x^{q,w}")).toBe("x^(q,w)");
  });
});

describe("fieldToHtml for the web (KaTeX)", () => {
  const html = fieldToHtml(FLASH_SINKHORN_PUNCH, { math: "katex" });

  it("typesets every formula with KaTeX on the server", () => {
    expect(html).toContain('class="katex"');
    expect(html).toContain('class="katex-display"');
    expect(html.match(/class="math math-display"/g)?.length).toBe(3);
    expect(html.match(/class="math math-inline"/g)?.length).toBe(1);
    expect(html).toContain('<annotation encoding="application/x-tex">');
    expect(html).not.toContain("katex-error");
    expect(html).not.toContain("$$");
  });

  it("carries each formula's Unicode form for text extraction", () => {
    expect(html).toContain('data-unicode="LSE(z)=log ∑ₖ e^(zₖ)"');
  });

  it("escapes HTML in the input and keeps only http(s) links", () => {
    const out = fieldToHtml(
      'Bad <script>alert("x")</script> & <b>bold</b> [x](javascript:alert(1)) [ok](https://ok.example/?a=1&b=2) `a<b`',
      { math: "katex" },
    );
    expect(out).not.toContain("<script");
    expect(out).not.toContain("<b>");
    expect(out).toContain("&lt;script&gt;");
    expect(out).not.toContain("javascript:");
    expect(out).toContain('<a href="https://ok.example/?a=1&amp;b=2">ok</a>');
    expect(out).toContain("<code>a&lt;b</code>");
  });

  it("renders broken TeX as text instead of throwing", () => {
    const out = fieldToHtml(String.raw`Broken $\frac{a$ and $$\left( x$$`, { math: "katex" });
    expect(out).toContain("Broken");
  });

  it("does not read prices as math", () => {
    const out = fieldToHtml("It costs $5 and $6 per run.", { math: "katex" });
    expect(out).not.toContain("katex");
    expect(out).toContain("$5 and $6");
  });

  it("names the KaTeX stylesheet the page must link", () => {
    expect(katexCssHref).toBe("/katex/katex.min.css");
  });
});

describe("fieldToHtml for email (Unicode)", () => {
  const html = fieldToHtml(FLASH_SINKHORN_PUNCH, { math: "unicode" });

  it("writes math as Unicode with no script and no TeX", () => {
    expect(html).toContain("ε");
    expect(html).toContain("∑ᵢⱼ");
    expect(html).toContain("⟨ C, P⟩");
    expect(html).not.toMatch(/\\[a-zA-Z]+/);
    expect(html).not.toContain("$");
    expect(html).not.toContain("<script");
    expect(html).not.toContain("katex");
  });

  it("sets display math apart as a centered monospace block", () => {
    const block = /<span class="math math-display"[^>]*style="([^"]*)"/.exec(html)?.[1] ?? "";
    expect(block).toContain("display:block");
    expect(block).toContain("text-align:center");
    expect(block).toMatch(/monospace/);
  });
});

describe("fieldToTelegramHtml", () => {
  const punch = fieldToTelegramHtml(FLASH_SINKHORN_PUNCH);
  const tool = fieldToTelegramHtml(LOBSIM_PUNCH);
  const sig = fieldToTelegramHtml(SIGNIFICANCE);

  it("uses only the tags Telegram accepts", () => {
    for (const out of [punch, tool, sig]) {
      for (const tag of tagsIn(out)) expect(TELEGRAM_TAGS.has(tag), `<${tag}>`).toBe(true);
    }
  });

  it("has no LaTeX soup: no $ delimiters, no backslash commands", () => {
    expect(punch).not.toContain("$");
    expect(punch).not.toMatch(/\\[a-zA-Z]+/);
    expect(punch).toContain("ε");
  });

  it("puts display math and code blocks in <pre>", () => {
    expect(punch.match(/<pre>/g)?.length).toBe(3);
    expect(tool).toContain('<pre><code class="language-python">');
    expect(tool).toContain("if a &lt; b and b &gt; c: pass");
    expect(tool).toContain("<code>ADD/DELETE/SUBTRACT/SET/MATCH</code>");
  });

  it("keeps bold, italics and links in Telegram's form", () => {
    expect(sig).toContain("<b>32×</b>");
    expect(sig).toContain("<i>online</i>");
    expect(sig).toContain('<a href="https://arxiv.org/abs/2602.03067">the paper</a>');
  });
});

describe("fieldToPlain", () => {
  it("drops markup, writes math in Unicode and links as text (url)", () => {
    const out = fieldToPlain(SIGNIFICANCE);
    expect(out).toContain("up to 32× forward");
    expect(out).not.toContain("**");
    expect(out).toContain("the paper (https://arxiv.org/abs/2602.03067)");
    const punch = fieldToPlain(FLASH_SINKHORN_PUNCH);
    expect(punch).toContain("∑ᵢⱼ");
    expect(punch).not.toMatch(/\\[a-zA-Z]+|\$/);
  });
});

describe("normalizeForParity", () => {
  it("makes the web, email, Telegram, plain-text and Markdown renderings of a field compare equal", () => {
    for (const md of [FLASH_SINKHORN_PUNCH, LOBSIM_PUNCH, SIGNIFICANCE]) {
      const expected = normalizeForParity(md);
      expect(expected.length).toBeGreaterThan(50);
      expect(normalizeForParity(fieldToHtml(md, { math: "katex" }))).toBe(expected);
      expect(normalizeForParity(fieldToHtml(md, { math: "unicode" }))).toBe(expected);
      expect(normalizeForParity(fieldToTelegramHtml(md))).toBe(expected);
      expect(normalizeForParity(fieldToPlain(md))).toBe(expected);
    }
  });

  it("tells a changed word apart", () => {
    const a = normalizeForParity(fieldToPlain(SIGNIFICANCE));
    const b = normalizeForParity(fieldToTelegramHtml(SIGNIFICANCE.replace("forward", "backward")));
    expect(a).not.toBe(b);
  });

  it("reads KaTeX output through its Unicode form, not its doubled HTML+MathML text", () => {
    const web = htmlToParityText(fieldToHtml("Then $x^2$ holds.", { math: "katex" }));
    expect(web.replace(/\s+/g, " ").trim()).toBe("Then x² holds.");
  });

  it("keeps literal angle brackets in text as text", () => {
    const md = "Compare a<b with c>d & co.";
    expect(normalizeForParity(fieldToTelegramHtml(md))).toBe(normalizeForParity(md));
    expect(normalizeForParity(fieldToHtml(md, { math: "unicode" }))).toBe(normalizeForParity(md));
  });
});
