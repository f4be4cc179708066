/** One Markdown lexer (marked with two math extensions) for every channel: `$…$`, `$$…$$`, `\(…\)`, `\[…\]`. */
import { Marked, type Token } from "marked";
import { mapOutsideMath } from "../tex/math-segments";
import { foldTextAccents } from "../tex/text-accents";

export interface MathToken {
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

const MATH_OR_CODE =
  /```[\s\S]*?```|`[^`\n]*`|\$\$[\s\S]+?\$\$|\$(?:\\.|[^\\$\n])+?\$|\\\([\s\S]+?\\\)|\\\[[\s\S]+?\\\]/g;

/** Text accents (`Schr\"odinger`) become letters before Markdown reads `\"` as an escaped quote; math and code stay. */
function foldAccentsOutsideMath(md: string): string {
  return md.includes("\\") ? mapOutsideMath(md, foldTextAccents, MATH_OR_CODE) : md;
}

export function lex(md: string): Token[] {
  return markdown.lexer(foldAccentsOutsideMath(md.replace(/\r\n?/g, "\n")));
}

export function isMath(token: Token): token is Token & MathToken {
  return token.type === "mathBlock" || token.type === "mathInline";
}
