/**
 * TeX math → readable Unicode, for every channel that cannot typeset (email, Telegram, plain text) and for
 * the writer's text analysis. Runtime-agnostic: no renderer, no DOM.
 */

import { applyTexConventions } from "./tex-conventions";
import {
  ACCENTS,
  BIG_OPERATORS,
  FONT_COMMANDS,
  IGNORED_COMMANDS,
  OPERATOR_WORDS,
  SUBSCRIPT,
  SUPERSCRIPT,
  SYMBOLS,
  styleChar,
  TEXT_COMMANDS,
} from "./tex-symbols";

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
  let out: string;
  try {
    out = new TexReader(applyTexConventions(tex), opts.display ?? false).readSequence(false);
  } catch {
    // Untrusted TeX nested deeper than the stack (`{{{…}}}` thousands deep) is shown as its source.
    return tex.trim();
  }
  // NFC folds "x" + combining dot into "ẋ" where a precomposed letter exists
  return out
    .normalize("NFC")
    .replace(/[ \t]+/g, " ")
    .replace(/ *\n */g, "\n")
    .trim();
}
