/**
 * How one write-up field renders in each channel.
 *
 * A field is Markdown with math: `$…$` inline, `$$…$$` display (also `\(…\)` / `\[…\]`), **bold**,
 * *italic*, `code`, fenced code blocks, links, lists. Every channel renderer (web, Markdown, email,
 * Telegram) goes through this module so that the TEXT of an issue is the same everywhere and only the
 * formatting differs:
 *
 * - web: `fieldToHtml(md, { math: "katex" })` — KaTeX rendered on the server (no script needed to read);
 *   every formula is wrapped in `<span class="math …" data-unicode="…">` carrying its Unicode form so the
 *   page's text can be extracted for comparison (`htmlToParityText`).
 * - email HTML: `fieldToHtml(md, { math: "unicode" })` — no script, no fonts: Unicode math
 *   (`\varepsilon`→ε, `x^2`→x², `\sum_{ij}`→∑ᵢⱼ), display math as a centered monospace block.
 * - email text part: `fieldToPlain(md)`.
 * - Telegram: `fieldToTelegramHtml(md)` — only the tags Telegram's HTML mode allows.
 *
 * One Markdown lexer (marked, with two math extensions) feeds three small serializers; nothing from the
 * input reaches the output unescaped (raw HTML in a field is shown as text).
 */
import katex from "katex";
import { Marked, type Token, type Tokens } from "marked";
import { decodeEntities } from "../html-entities";

// ---------------------------------------------------------------------------------------------------------
// TeX → Unicode
// ---------------------------------------------------------------------------------------------------------

const SYMBOLS: Record<string, string> = {
  // Greek
  alpha: "α",
  beta: "β",
  gamma: "γ",
  delta: "δ",
  epsilon: "ϵ",
  varepsilon: "ε",
  zeta: "ζ",
  eta: "η",
  theta: "θ",
  vartheta: "ϑ",
  iota: "ι",
  kappa: "κ",
  lambda: "λ",
  mu: "μ",
  nu: "ν",
  xi: "ξ",
  pi: "π",
  varpi: "ϖ",
  rho: "ρ",
  varrho: "ϱ",
  sigma: "σ",
  varsigma: "ς",
  tau: "τ",
  upsilon: "υ",
  phi: "ϕ",
  varphi: "φ",
  chi: "χ",
  psi: "ψ",
  omega: "ω",
  Gamma: "Γ",
  Delta: "Δ",
  Theta: "Θ",
  Lambda: "Λ",
  Xi: "Ξ",
  Pi: "Π",
  Sigma: "Σ",
  Upsilon: "Υ",
  Phi: "Φ",
  Psi: "Ψ",
  Omega: "Ω",
  // big operators and calculus
  sum: "∑",
  prod: "∏",
  coprod: "∐",
  int: "∫",
  iint: "∬",
  iiint: "∭",
  oint: "∮",
  partial: "∂",
  nabla: "∇",
  infty: "∞",
  // binary operators and relations
  cdot: "·",
  cdots: "⋯",
  ldots: "…",
  dots: "…",
  vdots: "⋮",
  ddots: "⋱",
  times: "×",
  div: "÷",
  pm: "±",
  mp: "∓",
  le: "≤",
  leq: "≤",
  leqslant: "≤",
  ge: "≥",
  geq: "≥",
  geqslant: "≥",
  ne: "≠",
  neq: "≠",
  approx: "≈",
  sim: "∼",
  simeq: "≃",
  cong: "≅",
  equiv: "≡",
  propto: "∝",
  ll: "≪",
  gg: "≫",
  prec: "≺",
  succ: "≻",
  preceq: "⪯",
  succeq: "⪰",
  in: "∈",
  notin: "∉",
  ni: "∋",
  subset: "⊂",
  subseteq: "⊆",
  supset: "⊃",
  supseteq: "⊇",
  cup: "∪",
  cap: "∩",
  bigcup: "⋃",
  bigcap: "⋂",
  setminus: "∖",
  forall: "∀",
  exists: "∃",
  neg: "¬",
  lnot: "¬",
  wedge: "∧",
  land: "∧",
  vee: "∨",
  lor: "∨",
  circ: "∘",
  star: "⋆",
  ast: "∗",
  oplus: "⊕",
  otimes: "⊗",
  odot: "⊙",
  top: "⊤",
  bot: "⊥",
  perp: "⊥",
  parallel: "∥",
  emptyset: "∅",
  varnothing: "∅",
  ell: "ℓ",
  hbar: "ℏ",
  Re: "ℜ",
  Im: "ℑ",
  aleph: "ℵ",
  prime: "′",
  dagger: "†",
  triangleq: "≜",
  coloneqq: "≔",
  defeq: "≝",
  models: "⊨",
  vdash: "⊢",
  // arrows
  to: "→",
  rightarrow: "→",
  longrightarrow: "⟶",
  leftarrow: "←",
  longleftarrow: "⟵",
  gets: "←",
  Rightarrow: "⇒",
  Leftarrow: "⇐",
  leftrightarrow: "↔",
  Leftrightarrow: "⇔",
  iff: "⟺",
  implies: "⟹",
  mapsto: "↦",
  uparrow: "↑",
  downarrow: "↓",
  rightleftharpoons: "⇌",
  // delimiters
  langle: "⟨",
  rangle: "⟩",
  lVert: "‖",
  rVert: "‖",
  Vert: "‖",
  "|": "‖",
  lvert: "|",
  rvert: "|",
  vert: "|",
  mid: "|",
  lfloor: "⌊",
  rfloor: "⌋",
  lceil: "⌈",
  rceil: "⌉",
  "{": "{",
  "}": "}",
  lbrace: "{",
  rbrace: "}",
  _: "_",
  "%": "%",
  "&": "&",
  "#": "#",
  $: "$",
  // spacing
  ",": " ",
  ";": " ",
  ":": " ",
  ">": " ",
  " ": " ",
  "!": "",
  quad: "\u2003",
  qquad: "\u2003\u2003",
  colon: ":",
};

/** Operator names written upright, as words. */
const OPERATOR_WORDS = new Set([
  "log",
  "ln",
  "exp",
  "sin",
  "cos",
  "tan",
  "sinh",
  "cosh",
  "tanh",
  "min",
  "max",
  "sup",
  "inf",
  "lim",
  "liminf",
  "limsup",
  "det",
  "tr",
  "arg",
  "argmin",
  "argmax",
  "Pr",
  "dim",
  "ker",
  "deg",
  "gcd",
  "sgn",
  "softmax",
  "diag",
  "KL",
  "Var",
  "Cov",
  "rank",
]);

const BIG_OPERATORS = new Set(["sum", "prod", "int", "iint", "oint", "coprod", "bigcup", "bigcap"]);

/** Commands that only change size, style or spacing: dropped. */
const IGNORED_COMMANDS = new Set([
  "left",
  "right",
  "big",
  "Big",
  "bigg",
  "Bigg",
  "bigl",
  "bigr",
  "Bigl",
  "Bigr",
  "biggl",
  "biggr",
  "Biggl",
  "Biggr",
  "middle",
  "displaystyle",
  "textstyle",
  "scriptstyle",
  "limits",
  "nolimits",
  "nonumber",
  "notag",
  "label",
  "begin",
  "end",
]);

const SUPERSCRIPT: Record<string, string> = {
  "0": "⁰",
  "1": "¹",
  "2": "²",
  "3": "³",
  "4": "⁴",
  "5": "⁵",
  "6": "⁶",
  "7": "⁷",
  "8": "⁸",
  "9": "⁹",
  "+": "⁺",
  "-": "⁻",
  "−": "⁻",
  "=": "⁼",
  "(": "⁽",
  ")": "⁾",
  a: "ᵃ",
  b: "ᵇ",
  c: "ᶜ",
  d: "ᵈ",
  e: "ᵉ",
  f: "ᶠ",
  g: "ᵍ",
  h: "ʰ",
  i: "ⁱ",
  j: "ʲ",
  k: "ᵏ",
  l: "ˡ",
  m: "ᵐ",
  n: "ⁿ",
  o: "ᵒ",
  p: "ᵖ",
  r: "ʳ",
  s: "ˢ",
  t: "ᵗ",
  u: "ᵘ",
  v: "ᵛ",
  w: "ʷ",
  x: "ˣ",
  y: "ʸ",
  z: "ᶻ",
  A: "ᴬ",
  B: "ᴮ",
  D: "ᴰ",
  E: "ᴱ",
  G: "ᴳ",
  H: "ᴴ",
  I: "ᴵ",
  J: "ᴶ",
  K: "ᴷ",
  L: "ᴸ",
  M: "ᴹ",
  N: "ᴺ",
  O: "ᴼ",
  P: "ᴾ",
  R: "ᴿ",
  T: "ᵀ",
  U: "ᵁ",
  V: "ⱽ",
  W: "ᵂ",
  "⊤": "ᵀ",
  β: "ᵝ",
  γ: "ᵞ",
  δ: "ᵟ",
  θ: "ᶿ",
  φ: "ᵠ",
  ϕ: "ᵠ",
  χ: "ᵡ",
  "*": "*",
  "∗": "*",
  "′": "′",
  "†": "†",
};

const SUBSCRIPT: Record<string, string> = {
  "0": "₀",
  "1": "₁",
  "2": "₂",
  "3": "₃",
  "4": "₄",
  "5": "₅",
  "6": "₆",
  "7": "₇",
  "8": "₈",
  "9": "₉",
  "+": "₊",
  "-": "₋",
  "−": "₋",
  "=": "₌",
  "(": "₍",
  ")": "₎",
  a: "ₐ",
  e: "ₑ",
  h: "ₕ",
  i: "ᵢ",
  j: "ⱼ",
  k: "ₖ",
  l: "ₗ",
  m: "ₘ",
  n: "ₙ",
  o: "ₒ",
  p: "ₚ",
  r: "ᵣ",
  s: "ₛ",
  t: "ₜ",
  u: "ᵤ",
  v: "ᵥ",
  x: "ₓ",
  β: "ᵦ",
  γ: "ᵧ",
  ρ: "ᵨ",
  φ: "ᵩ",
  ϕ: "ᵩ",
  χ: "ᵪ",
};

/** Letters with their own code points outside the Mathematical Alphanumeric block. */
const DOUBLE_STRUCK_EXCEPTIONS: Record<string, string> = {
  C: "ℂ",
  H: "ℍ",
  N: "ℕ",
  P: "ℙ",
  Q: "ℚ",
  R: "ℝ",
  Z: "ℤ",
};
const SCRIPT_EXCEPTIONS: Record<string, string> = {
  B: "ℬ",
  E: "ℰ",
  F: "ℱ",
  H: "ℋ",
  I: "ℐ",
  L: "ℒ",
  M: "ℳ",
  R: "ℛ",
  e: "ℯ",
  g: "ℊ",
  o: "ℴ",
};
const FRAKTUR_EXCEPTIONS: Record<string, string> = { C: "ℭ", H: "ℌ", I: "ℑ", R: "ℜ", Z: "ℨ" };

type MathFont = "bold" | "double" | "script" | "fraktur";

function styleChar(ch: string, font: MathFont): string {
  const code = ch.codePointAt(0) ?? 0;
  const upper = code >= 65 && code <= 90;
  const lower = code >= 97 && code <= 122;
  const digit = code >= 48 && code <= 57;
  switch (font) {
    case "bold":
      if (upper) return String.fromCodePoint(0x1d400 + code - 65);
      if (lower) return String.fromCodePoint(0x1d41a + code - 97);
      if (digit) return String.fromCodePoint(0x1d7ce + code - 48);
      return ch;
    case "double":
      if (DOUBLE_STRUCK_EXCEPTIONS[ch]) return DOUBLE_STRUCK_EXCEPTIONS[ch];
      if (upper) return String.fromCodePoint(0x1d538 + code - 65);
      if (lower) return String.fromCodePoint(0x1d552 + code - 97);
      if (digit) return String.fromCodePoint(0x1d7d8 + code - 48);
      return ch;
    case "script":
      if (SCRIPT_EXCEPTIONS[ch]) return SCRIPT_EXCEPTIONS[ch];
      if (upper) return String.fromCodePoint(0x1d49c + code - 65);
      if (lower) return String.fromCodePoint(0x1d4b6 + code - 97);
      return ch;
    case "fraktur":
      if (FRAKTUR_EXCEPTIONS[ch]) return FRAKTUR_EXCEPTIONS[ch];
      if (upper) return String.fromCodePoint(0x1d504 + code - 65);
      if (lower) return String.fromCodePoint(0x1d51e + code - 97);
      return ch;
  }
}

const FONT_COMMANDS: Record<string, MathFont> = {
  mathbf: "bold",
  boldsymbol: "bold",
  bm: "bold",
  textbf: "bold",
  mathbb: "double",
  mathcal: "script",
  mathscr: "script",
  mathfrak: "fraktur",
};

/** Commands whose argument is shown as is (upright text or a named operator). */
const TEXT_COMMANDS = new Set([
  "text",
  "textrm",
  "textit",
  "textsf",
  "texttt",
  "mathrm",
  "mathit",
  "mathsf",
  "mathtt",
  "operatorname",
  "mathop",
  "mbox",
  "hbox",
  "emph",
]);

const ACCENTS: Record<string, string> = {
  hat: "\u0302",
  widehat: "\u0302",
  bar: "\u0304",
  overline: "\u0305",
  tilde: "\u0303",
  widetilde: "\u0303",
  dot: "\u0307",
  ddot: "\u0308",
  vec: "\u20d7",
  check: "\u030c",
  breve: "\u0306",
  underline: "\u0332",
};

/** A tiny recursive-descent reader over TeX math source. */
class TexReader {
  private pos = 0;
  constructor(
    private readonly src: string,
    private readonly display: boolean,
  ) {}

  /** Everything up to the end (or up to the closing brace of the current group). */
  readSequence(stopAtBrace: boolean): string {
    let out = "";
    while (this.pos < this.src.length) {
      const ch = this.src[this.pos] ?? "";
      if (ch === "}") {
        if (stopAtBrace) return out;
        this.pos++;
        continue;
      }
      if (ch === "^" || ch === "_") {
        this.pos++;
        const arg = this.readArgument();
        out += ch === "^" ? toScript(arg, SUPERSCRIPT, "^") : toScript(arg, SUBSCRIPT, "_");
        continue;
      }
      out += this.readAtom();
    }
    return out;
  }

  private skipSpaces(): void {
    while (/\s/.test(this.src[this.pos] ?? "")) this.pos++;
  }

  /** One argument: a `{group}`, a command, or a single character. */
  readArgument(): string {
    this.skipSpaces();
    const ch = this.src[this.pos];
    if (ch === undefined) return "";
    if (ch === "{") return this.readGroup();
    if (ch === "\\") return this.readCommand();
    this.pos++;
    return mapChar(ch);
  }

  /** A `{…}` group's raw source, for commands that take text verbatim. */
  private readRawGroup(): string {
    this.skipSpaces();
    if (this.src[this.pos] !== "{") {
      const ch = this.src[this.pos] ?? "";
      this.pos++;
      return ch;
    }
    let depth = 0;
    const start = this.pos + 1;
    while (this.pos < this.src.length) {
      const ch = this.src[this.pos];
      if (ch === "\\") {
        this.pos += 2;
        continue;
      }
      if (ch === "{") depth++;
      if (ch === "}") {
        depth--;
        if (depth === 0) {
          this.pos++;
          return this.src.slice(start, this.pos - 1);
        }
      }
      this.pos++;
    }
    return this.src.slice(start);
  }

  private readGroup(): string {
    this.pos++; // "{"
    const inner = this.readSequence(true);
    if (this.src[this.pos] === "}") this.pos++;
    return inner;
  }

  private readOptional(): string | undefined {
    this.skipSpaces();
    if (this.src[this.pos] !== "[") return undefined;
    const end = this.src.indexOf("]", this.pos);
    if (end < 0) return undefined;
    const inner = this.src.slice(this.pos + 1, end);
    this.pos = end + 1;
    return texToUnicode(inner);
  }

  private readAtom(): string {
    const ch = this.src[this.pos] ?? "";
    if (ch === "{") return this.readGroup();
    if (ch === "\\") return this.readCommand();
    if (ch === "&") {
      this.pos++;
      return " ";
    }
    if (/\s/.test(ch)) {
      this.skipSpaces();
      return " ";
    }
    this.pos++;
    return mapChar(ch);
  }

  private readCommand(): string {
    this.pos++; // "\"
    const rest = this.src.slice(this.pos);
    const word = /^[A-Za-z]+\*?/.exec(rest);
    if (!word) {
      const ch = rest[0] ?? "";
      this.pos++;
      if (ch === "\\") return this.display ? "\n" : "; ";
      return SYMBOLS[ch] ?? ch;
    }
    const raw = word[0];
    const name = raw.replace(/\*$/, "");
    this.pos += raw.length;

    if (name === "begin" || name === "end") {
      this.readRawGroup();
      // environments with a column spec: \begin{array}{cc}
      if (name === "begin" && this.src.startsWith("{", this.pos)) this.readRawGroup();
      return "";
    }
    if (
      name === "label" ||
      name === "color" ||
      name === "textcolor" ||
      name === "hspace" ||
      name === "vspace"
    ) {
      this.readRawGroup();
      return name === "textcolor" ? this.readArgument() : "";
    }
    if (IGNORED_COMMANDS.has(name)) {
      if (name === "left" || name === "right" || name.startsWith("big") || name.startsWith("Big")) {
        // the delimiter that follows; "\left." is an invisible one
        this.skipSpaces();
        if (this.src[this.pos] === ".") {
          this.pos++;
          return "";
        }
      }
      return "";
    }
    if (name === "frac" || name === "dfrac" || name === "tfrac" || name === "cfrac") {
      const num = this.readArgument().trim();
      const den = this.readArgument().trim();
      return `${wrapFactor(num)}/${wrapFactor(den)}`;
    }
    if (name === "binom" || name === "dbinom" || name === "tbinom") {
      const n = this.readArgument().trim();
      const k = this.readArgument().trim();
      return `C(${n},${k})`;
    }
    if (name === "sqrt") {
      const index = this.readOptional();
      const body = this.readArgument().trim();
      const root =
        index === "3" ? "∛" : index === "4" ? "∜" : `${index ? toScript(index, SUPERSCRIPT, "^") : ""}√`;
      return [...body].length <= 1 ? `${root}${body}` : `${root}(${body})`;
    }
    if (FONT_COMMANDS[name]) {
      const font = FONT_COMMANDS[name];
      const arg = name === "textbf" ? this.readRawGroup() : this.readArgument();
      return [...arg].map((c) => styleChar(c, font)).join("");
    }
    if (TEXT_COMMANDS.has(name)) {
      const raw = this.readRawGroup();
      // \operatorname{arg\,min}: the argument may itself hold spacing commands
      return name.startsWith("text") || name === "mbox" || name === "hbox" || name === "emph"
        ? raw.replace(/\\([,;:! ])/g, " ").replace(/\\([%&#$_{}])/g, "$1")
        : texToUnicode(raw);
    }
    if (ACCENTS[name]) {
      const arg = this.readArgument();
      const mark = ACCENTS[name];
      const chars = [...arg];
      if (chars.length === 1) return `${arg}${mark}`;
      return name === "overline" || name === "underline" ? chars.map((c) => `${c}${mark}`).join("") : arg;
    }
    if (name === "underbrace" || name === "overbrace" || name === "boxed" || name === "phantom") {
      const arg = this.readArgument();
      return name === "phantom" ? "" : arg;
    }
    if (name === "overset" || name === "underset" || name === "stackrel") {
      this.readArgument();
      return this.readArgument();
    }
    if (name === "xrightarrow" || name === "xleftarrow") {
      this.readOptional();
      const over = this.readArgument();
      return name === "xrightarrow" ? ` →${over ? `(${over})` : ""} ` : ` ←${over ? `(${over})` : ""} `;
    }
    if (name === "tag") {
      return `  (${this.readRawGroup()})`;
    }
    if (name === "not") {
      const next = this.readArgument();
      return `${next}\u0338`;
    }
    if (OPERATOR_WORDS.has(name)) {
      // "\arg\min" reads "arg min", "\log\sum" reads "log ∑"
      const next = /^\\([A-Za-z]+)/.exec(this.src.slice(this.pos));
      const spaced = next?.[1] !== undefined && (OPERATOR_WORDS.has(next[1]) || BIG_OPERATORS.has(next[1]));
      return spaced ? `${name} ` : name;
    }
    const symbol = SYMBOLS[name];
    if (symbol !== undefined) return symbol;
    // Unknown command: its name reads better than a backslash.
    return name;
  }
}

function mapChar(ch: string): string {
  if (ch === "-") return "−";
  if (ch === "'") return "′";
  if (ch === "~") return " ";
  return ch;
}

/** A fraction part keeps parentheses unless it is a plain number. */
function wrapFactor(s: string): string {
  return /^[0-9.]+$/.test(s) ? s : `(${s})`;
}

function toScript(arg: string, table: Record<string, string>, marker: "^" | "_"): string {
  const compact = arg.replace(/\s+/g, "");
  if (compact === "") return "";
  const mapped = [...compact].map((c) => table[c]);
  if (mapped.every((m) => m !== undefined)) return mapped.join("");
  return [...compact].length === 1 ? `${marker}${compact}` : `${marker}(${compact})`;
}

/**
 * TeX math source → readable Unicode: `\varepsilon`→ε, `x^2`→x², `\sum_{ij}`→∑ᵢⱼ, `\frac{a}{b}`→(a)/(b),
 * `\operatorname{LSE}`→LSE, `\mathbf 1`→𝟏, `P^\top`→Pᵀ. Scripts with no Unicode form fall back to
 * `x^(…)` / `x_(…)`. Never leaves a backslash command in its output.
 */
export function texToUnicode(tex: string, opts: { display?: boolean } = {}): string {
  const out = new TexReader(tex, opts.display ?? false).readSequence(false);
  // NFC folds "x" + combining dot into "ẋ" where a precomposed letter exists
  return out
    .normalize("NFC")
    .replace(/[ \t]+/g, " ")
    .replace(/ *\n */g, "\n")
    .trim();
}

// ---------------------------------------------------------------------------------------------------------
// Markdown with math → tokens
// ---------------------------------------------------------------------------------------------------------

interface MathToken {
  type: "mathBlock" | "mathInline";
  raw: string;
  text: string;
  display: boolean;
}

const DISPLAY_DOLLARS = /^\$\$([\s\S]+?)\$\$/;
const DISPLAY_BRACKETS = /^\\\[([\s\S]+?)\\\]/;
const INLINE_DOLLAR = /^\$(?!\s)((?:\\.|[^\\$\n])+?)(?<!\s)\$(?!\d)/;
const INLINE_PARENS = /^\\\(([\s\S]+?)\\\)/;

function firstIndex(src: string, needles: string[]): number | undefined {
  let best: number | undefined;
  for (const n of needles) {
    const i = src.indexOf(n);
    if (i >= 0 && (best === undefined || i < best)) best = i;
  }
  return best;
}

const markdown = new Marked({
  gfm: true,
  breaks: false,
  extensions: [
    {
      name: "mathBlock",
      level: "block",
      start: (src: string) => firstIndex(src, ["$$", "\\["]),
      tokenizer(src: string): MathToken | undefined {
        const m =
          /^ {0,3}\$\$([\s\S]+?)\$\$[ \t]*(?:\n|$)/.exec(src) ??
          /^ {0,3}\\\[([\s\S]+?)\\\][ \t]*(?:\n|$)/.exec(src);
        if (!m) return undefined;
        return { type: "mathBlock", raw: m[0], text: (m[1] ?? "").trim(), display: true };
      },
    },
    {
      name: "mathInline",
      level: "inline",
      start: (src: string) => firstIndex(src, ["$", "\\(", "\\["]),
      tokenizer(src: string): MathToken | undefined {
        const display = DISPLAY_DOLLARS.exec(src) ?? DISPLAY_BRACKETS.exec(src);
        if (display)
          return { type: "mathInline", raw: display[0], text: (display[1] ?? "").trim(), display: true };
        const inline = INLINE_DOLLAR.exec(src) ?? INLINE_PARENS.exec(src);
        if (inline)
          return { type: "mathInline", raw: inline[0], text: (inline[1] ?? "").trim(), display: false };
        return undefined;
      },
    },
  ],
});

function lex(md: string): Token[] {
  return markdown.lexer(md.replace(/\r\n?/g, "\n"));
}

function isMath(token: Token): token is Token & MathToken {
  return token.type === "mathBlock" || token.type === "mathInline";
}

// ---------------------------------------------------------------------------------------------------------
// Serializers
// ---------------------------------------------------------------------------------------------------------

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** Escapes text for Telegram's HTML mode (it requires exactly these three). */
function escapeTelegram(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Only http(s) and mailto links survive; anything else (javascript:, data:) renders as its text. */
function safeHref(href: string): string | undefined {
  const trimmed = href.trim();
  return /^(https?:|mailto:)/i.test(trimmed) ? trimmed : undefined;
}

interface Serializer {
  text(s: string): string;
  strong(inner: string): string;
  em(inner: string): string;
  del(inner: string): string;
  codespan(code: string): string;
  code(code: string, lang: string | undefined): string;
  link(inner: string, href: string, plainText: string): string;
  math(tex: string, display: boolean): string;
  paragraph(inner: string): string;
  list(items: string[], ordered: boolean, start: number): string;
  blockquote(inner: string): string;
  br(): string;
  join(blocks: string[]): string;
}

function serializeInline(tokens: Token[] | undefined, s: Serializer): string {
  if (!tokens) return "";
  let out = "";
  for (const token of tokens) out += serializeInlineToken(token, s);
  return out;
}

function serializeInlineToken(token: Token, s: Serializer): string {
  if (isMath(token)) return s.math(token.text, token.display);
  switch (token.type) {
    case "text": {
      const t = token as Tokens.Text;
      return t.tokens ? serializeInline(t.tokens, s) : s.text(t.text);
    }
    case "escape":
      return s.text((token as Tokens.Escape).text);
    case "strong":
      return s.strong(serializeInline((token as Tokens.Strong).tokens, s));
    case "em":
      return s.em(serializeInline((token as Tokens.Em).tokens, s));
    case "del":
      return s.del(serializeInline((token as Tokens.Del).tokens, s));
    case "codespan":
      return s.codespan((token as Tokens.Codespan).text);
    case "br":
      return s.br();
    case "link": {
      const l = token as Tokens.Link;
      return s.link(serializeInline(l.tokens, s), l.href, plainInline(l.tokens));
    }
    case "image": {
      const img = token as Tokens.Image;
      return s.link(s.text(img.text || img.href), img.href, img.text || img.href);
    }
    case "html":
      // Raw HTML in a field is shown, not interpreted.
      return s.text((token as Tokens.HTML).text);
    default:
      return "tokens" in token && Array.isArray(token.tokens)
        ? serializeInline(token.tokens as Token[], s)
        : s.text(token.raw);
  }
}

/** The visible text of inline tokens (link text for the plain-text "text (url)" decision). */
function plainInline(tokens: Token[] | undefined): string {
  if (!tokens) return "";
  return tokens
    .map((t) => {
      if (isMath(t)) return t.text;
      if ("tokens" in t && Array.isArray(t.tokens)) return plainInline(t.tokens as Token[]);
      return "text" in t && typeof t.text === "string" ? t.text : t.raw;
    })
    .join("");
}

function serializeBlocks(tokens: Token[], s: Serializer): string {
  const blocks: string[] = [];
  for (const token of tokens) {
    if (isMath(token)) {
      blocks.push(s.math(token.text, true));
      continue;
    }
    switch (token.type) {
      case "space":
      case "hr":
        break;
      case "paragraph":
        blocks.push(s.paragraph(serializeInline((token as Tokens.Paragraph).tokens, s)));
        break;
      case "heading":
        blocks.push(s.paragraph(s.strong(serializeInline((token as Tokens.Heading).tokens, s))));
        break;
      case "text": {
        const t = token as Tokens.Text;
        blocks.push(s.paragraph(t.tokens ? serializeInline(t.tokens, s) : s.text(t.text)));
        break;
      }
      case "code": {
        const c = token as Tokens.Code;
        blocks.push(s.code(c.text, c.lang || undefined));
        break;
      }
      case "list": {
        const l = token as Tokens.List;
        const items = l.items.map((item) => serializeListItem(item, s));
        blocks.push(s.list(items, l.ordered, typeof l.start === "number" ? l.start : 1));
        break;
      }
      case "blockquote":
        blocks.push(s.blockquote(serializeBlocks((token as Tokens.Blockquote).tokens, s)));
        break;
      case "html":
        blocks.push(s.paragraph(s.text((token as Tokens.HTML).text.trim())));
        break;
      case "table": {
        const t = token as Tokens.Table;
        const rows = [t.header, ...t.rows].map((row) =>
          row.map((cell) => serializeInline(cell.tokens, s)).join(" | "),
        );
        blocks.push(rows.map((r) => s.paragraph(r)).join(""));
        break;
      }
      default:
        blocks.push(s.paragraph(s.text(token.raw.trim())));
    }
  }
  return s.join(blocks);
}

function serializeListItem(item: Tokens.ListItem, s: Serializer): string {
  // Tight list items hold "text" tokens; render them inline rather than as paragraphs.
  const parts: string[] = [];
  for (const t of item.tokens) {
    if (t.type === "text") {
      const text = t as Tokens.Text;
      parts.push(text.tokens ? serializeInline(text.tokens, s) : s.text(text.text));
    } else {
      parts.push(serializeBlocks([t], s));
    }
  }
  return parts.join(" ").trim();
}

// --- web / email HTML ---

function htmlSerializer(math: "katex" | "unicode"): Serializer {
  return {
    text: escapeHtml,
    strong: (inner) => `<strong>${inner}</strong>`,
    em: (inner) => `<em>${inner}</em>`,
    del: (inner) => `<del>${inner}</del>`,
    codespan: (code) => `<code>${escapeHtml(code)}</code>`,
    code: (code, lang) =>
      `<pre><code${lang ? ` class="language-${escapeHtml(lang.replace(/[^\w+-]/g, ""))}"` : ""}>${escapeHtml(code)}</code></pre>`,
    link: (inner, href) => {
      const safe = safeHref(href);
      return safe ? `<a href="${escapeHtml(safe)}">${inner}</a>` : inner;
    },
    math: (tex, display) => (math === "katex" ? katexHtml(tex, display) : unicodeMathHtml(tex, display)),
    paragraph: (inner) => `<p>${inner}</p>`,
    list: (items, ordered, start) => {
      const tag = ordered ? "ol" : "ul";
      const startAttr = ordered && start !== 1 ? ` start="${start}"` : "";
      return `<${tag}${startAttr}>${items.map((i) => `<li>${i}</li>`).join("")}</${tag}>`;
    },
    blockquote: (inner) => `<blockquote>${inner}</blockquote>`,
    br: () => "<br>",
    join: (blocks) => blocks.join("\n"),
  };
}

/**
 * KaTeX HTML for one formula, wrapped in a span carrying its Unicode form (`data-unicode`) so the text of a
 * web page can be compared with the other channels (see `htmlToParityText`). Bad TeX renders as KaTeX's
 * red source text rather than throwing.
 */
function katexHtml(tex: string, display: boolean): string {
  const rendered = katex.renderToString(tex, {
    displayMode: display,
    output: "htmlAndMathml",
    throwOnError: false,
    strict: "ignore",
    trust: false,
  });
  const unicode = escapeHtml(texToUnicode(tex, { display }));
  return display
    ? `<span class="math math-display" data-unicode="${unicode}">${rendered}</span>`
    : `<span class="math math-inline" data-unicode="${unicode}">${rendered}</span>`;
}

/** Unicode math for email: inline as a span, display as a centered monospace block. */
function unicodeMathHtml(tex: string, display: boolean): string {
  const unicode = texToUnicode(tex, { display });
  if (!display) {
    return `<span class="math math-inline" data-unicode="${escapeHtml(unicode)}" style="font-family:'Cambria Math','STIX Two Math','DejaVu Serif',serif;white-space:nowrap">${escapeHtml(unicode)}</span>`;
  }
  const lines = unicode.split("\n").map(escapeHtml).join("<br>");
  return `<span class="math math-display" data-unicode="${escapeHtml(unicode)}" style="display:block;text-align:center;margin:8px 0;padding:6px 8px;background:#f6f8fa;border-radius:4px;font-family:'Cambria Math','STIX Two Math','DejaVu Sans Mono',Menlo,Consolas,monospace;white-space:pre-wrap">${lines}</span>`;
}

/**
 * A write-up field as safe HTML. `math: "katex"` (web) typesets formulas with KaTeX on the server — the page
 * needs KaTeX's CSS (`katexCssHref`) but no script; `math: "unicode"` (email) writes them in Unicode, display
 * math as a centered monospace block. Everything from the input is escaped; raw HTML shows as text; only
 * http(s)/mailto links are kept.
 */
export function fieldToHtml(md: string, opts: { math: "katex" | "unicode" }): string {
  return serializeBlocks(lex(md), htmlSerializer(opts.math));
}

// --- Telegram ---

const telegramSerializer: Serializer = {
  text: escapeTelegram,
  strong: (inner) => `<b>${inner}</b>`,
  em: (inner) => `<i>${inner}</i>`,
  del: (inner) => `<s>${inner}</s>`,
  codespan: (code) => `<code>${escapeTelegram(code)}</code>`,
  code: (code, lang) =>
    lang && /^[\w+-]+$/.test(lang)
      ? `<pre><code class="language-${lang}">${escapeTelegram(code)}</code></pre>`
      : `<pre>${escapeTelegram(code)}</pre>`,
  link: (inner, href) => {
    const safe = safeHref(href);
    return safe ? `<a href="${escapeTelegram(safe).replace(/"/g, "&quot;")}">${inner}</a>` : inner;
  },
  math: (tex, display) => {
    const unicode = escapeTelegram(texToUnicode(tex, { display }));
    return display ? `\n<pre>${unicode}</pre>\n` : unicode;
  },
  paragraph: (inner) => inner.replace(/^\n+|\n+$/g, ""),
  list: (items, ordered, start) =>
    items.map((item, i) => `${ordered ? `${start + i}.` : "•"} ${item}`).join("\n"),
  blockquote: (inner) => `<blockquote>${inner}</blockquote>`,
  br: () => "\n",
  join: (blocks) => blocks.join("\n\n"),
};

/**
 * A write-up field as Telegram HTML (parse_mode "HTML"): only b, i, s, code, pre, a and blockquote; `<`, `>`
 * and `&` escaped; math in Unicode; display math and code blocks in `<pre>`.
 */
export function fieldToTelegramHtml(md: string): string {
  return serializeBlocks(lex(md), telegramSerializer).replace(/\n{3,}/g, "\n\n");
}

// --- plain text ---

const plainSerializer: Serializer = {
  text: (s) => s,
  strong: (inner) => inner,
  em: (inner) => inner,
  del: (inner) => inner,
  codespan: (code) => code,
  code: (code) => code,
  link: (inner, href, plainText) => {
    const safe = safeHref(href);
    if (!safe || plainText.trim() === safe || `mailto:${plainText.trim()}` === safe) return inner;
    return `${inner} (${safe})`;
  },
  math: (tex, display) => {
    const unicode = texToUnicode(tex, { display });
    return display
      ? `\n${unicode
          .split("\n")
          .map((l) => `    ${l}`)
          .join("\n")}\n`
      : unicode;
  },
  paragraph: (inner) => inner.replace(/^\n+|\n+$/g, ""),
  list: (items, ordered, start) =>
    items.map((item, i) => `${ordered ? `${start + i}.` : "-"} ${item}`).join("\n"),
  blockquote: (inner) =>
    inner
      .split("\n")
      .map((l) => `> ${l}`)
      .join("\n"),
  br: () => "\n",
  join: (blocks) => blocks.join("\n\n"),
};

/** A write-up field as plain text (email text part): no markup, Unicode math, links as "text (url)". */
export function fieldToPlain(md: string): string {
  return serializeBlocks(lex(md), plainSerializer).replace(/\n{3,}/g, "\n\n");
}

// ---------------------------------------------------------------------------------------------------------
// Parity
// ---------------------------------------------------------------------------------------------------------

/**
 * The visible text of a rendered HTML fragment (web or email, or Telegram HTML), with every formula replaced
 * by its Unicode form. Formulas are found by the `data-unicode` attribute that `fieldToHtml` puts on its
 * `<span class="math …">` wrappers, so KaTeX's doubled HTML+MathML markup is never read as text.
 * Feed the result to `normalizeForParity`.
 */
export function htmlToParityText(html: string): string {
  let out = "";
  let i = 0;
  const open = /<span class="math[^"]*" data-unicode="([^"]*)"[^>]*>/g;
  for (let m = open.exec(html); m !== null; m = open.exec(html)) {
    out += html.slice(i, m.index);
    out += ` ${m[1] ?? ""} `;
    // skip to the matching </span>, counting nested spans
    let depth = 1;
    let j = open.lastIndex;
    const tag = /<(\/?)span\b[^>]*>/g;
    tag.lastIndex = j;
    for (let t = tag.exec(html); t !== null; t = tag.exec(html)) {
      depth += t[1] === "/" ? -1 : 1;
      j = tag.lastIndex;
      if (depth === 0) break;
    }
    i = j;
    open.lastIndex = j;
  }
  out += html.slice(i);
  return decodeEntities(
    out
      .replace(/<br\s*\/?>/gi, "\n")
      .replace(/<\/(p|pre|li|blockquote|div)>/gi, "\n")
      .replace(/<[^>]+>/g, ""),
  );
}

/**
 * Maps the text of any rendering of a field to a form in which all channels compare equal:
 *
 * 1. math: `$$…$$`, `$…$`, `\(…\)`, `\[…\]` (the Markdown source) become `texToUnicode` of their TeX, so the
 *    Markdown channel's LaTeX equals email/Telegram Unicode and the web's `data-unicode` text;
 * 2. markup: HTML tags dropped and entities decoded; Markdown emphasis markers, backticks, fences (with their
 *    language tag), list bullets and blockquote markers dropped; `[text](url)` → `text`, and the
 *    " (url)" that plain text appends to a link is dropped;
 * 3. notation: Unicode NFKC (𝟏→1, ²→2, ᵢ→i, so styled and plain letters agree), minus sign
 *    → "-", primes → "'", every run of whitespace → one space, and no space next to punctuation or math
 *    symbols, so display math on its own line and inline math compare equal.
 *
 * Pass any rendering as is: rendered HTML (every `<` opens a tag) is detected and read through
 * `htmlToParityText` first (force it either way with `opts.html`); Markdown and plain text are read as text.
 */
export function normalizeForParity(s: string, opts: { html?: boolean } = {}): string {
  let t = (opts.html ?? looksLikeRenderedHtml(s)) ? htmlToParityText(s) : s;
  // Markdown math → Unicode (a no-op on rendered text, which has none).
  t = t.replace(/\$\$([\s\S]+?)\$\$/g, (_m, tex: string) => ` ${texToUnicode(tex, { display: true })} `);
  t = t.replace(/\\\[([\s\S]+?)\\\]/g, (_m, tex: string) => ` ${texToUnicode(tex, { display: true })} `);
  t = t.replace(/\\\(([\s\S]+?)\\\)/g, (_m, tex: string) => texToUnicode(tex));
  t = t.replace(
    /(^|[^\\$])\$(?!\s)((?:\\.|[^\\$\n])+?)(?<!\s)\$(?!\d)/g,
    (_m, pre: string, tex: string) => `${pre}${texToUnicode(tex)}`,
  );
  // Markdown links and the " (url)" plain text appends to a link
  t = t.replace(/!?\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))+\)/g, "$1");
  t = t.replace(/\s*\((?:https?:|mailto:)[^)\s]*\)/g, "");
  // fences, emphasis, code, bullets, quotes
  t = t.replace(/^\s*(```|~~~)[\w+-]*\s*$/gm, " ");
  t = t.replace(/(\*\*|__|~~)(?=\S)([\s\S]*?\S)\1/g, "$2");
  t = t.replace(/(^|[\s(])[*_](?=\S)([^*_\n]*?\S)[*_](?=[\s).,;:!?]|$)/g, "$1$2");
  t = t.replace(/`+/g, "");
  t = t.replace(/^\s*(?:[-*+•]|\d+\.)\s+/gm, "");
  t = t.replace(/^\s*>\s?/gm, "");
  // notation
  t = t.normalize("NFKC");
  t = t
    .replace(/[−‐‑‒–]/g, "-")
    .replace(/[′’‘]/g, "'")
    .replace(/[“”]/g, '"');
  t = t.replace(/\s+/g, " ");
  t = t.replace(/ ?([^\p{L}\p{N}\s"']) ?/gu, "$1");
  return t.trim();
}

const STRICT_TAG = /<\/?[a-z][a-z0-9]*(?:\s+[\w-]+(?:="[^"]*")?)*\s*\/?>/gi;

/**
 * Rendered HTML (web, email, Telegram) escapes every `<` and `&` that is text, so in it every `<` opens a
 * tag and every `&` an entity; Markdown or plain text with a literal "a<b" or "R&D" does not look like
 * that. (Text whose only `<` happen to form tags and that has no bare `&` is ambiguous: pass `opts.html`.)
 */
function looksLikeRenderedHtml(s: string): boolean {
  const tags = s.match(STRICT_TAG)?.length ?? 0;
  const entities = s.match(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);/gi)?.length ?? 0;
  const angles = s.split("<").length - 1;
  const ampersands = s.split("&").length - 1;
  return tags + entities > 0 && tags === angles && entities === ampersands;
}

// ---------------------------------------------------------------------------------------------------------
// KaTeX CSS
// ---------------------------------------------------------------------------------------------------------

/**
 * Where the web page links KaTeX's stylesheet. `fieldToHtml(…, { math: "katex" })` output needs it (no
 * script). At build/start, copy `node_modules/katex/dist/katex.min.css` to `public/katex/katex.min.css` and
 * `node_modules/katex/dist/fonts/` to `public/katex/fonts/` (the CSS refers to `fonts/…` relatively), then
 * put `<link rel="stylesheet" href="/katex/katex.min.css">` in the page head.
 */
export const katexCssHref = "/katex/katex.min.css";
