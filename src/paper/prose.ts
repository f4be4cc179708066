/**
 * LaTeX prose → the Markdown of a write-up field: inline math kept as `$…$` with the author's macros
 * expanded, text accents folded to letters, emphasis as Markdown, citations, labels and footnotes dropped,
 * and any command left over reduced to its argument's text (never a stray backslash).
 */
import { mapOutsideMath } from "../tex/math-segments";
import { foldTextAccents } from "../tex/text-accents";
import { expandMacros, type Macros, readGroup } from "./latex";

/** Text wrappers whose argument is the text. */
const KEEP_ARGUMENT =
  /^(?:text|textrm|textsf|textsc|textup|textnormal|mbox|hbox|makebox|fbox|underline|uline|textmd|textsl|emph|textit|textbf|texttt|mathrm|ensuremath|enquote|textcolor|color|highlight|hl|NoCaseChange)$/;
/** Commands whose argument is not text a reader needs. */
const DROP_ARGUMENT =
  /^(?:cite|citep|citet|citealt|citealp|citeauthor|citeyear|citenum|nocite|label|footnote|footnotemark|footnotetext|thanks|vspace|hspace|vskip|hskip|index|glossary|bibliography|bibliographystyle|includegraphics|section|subsection|subsubsection|paragraph|chapter|caption|input|include|url|newline|linebreak|pagebreak|phantom|todo|fixme|marginpar|cref|Cref|ref|eqref|autoref|pageref|nameref)$/;

const INLINE_MATH = /\$\$[\s\S]+?\$\$|\$(?:\\.|[^\\$])+?\$|\\\(([\s\S]+?)\\\)/g;

/** Replaces `\cmd{arg}` for every command matching `names`, with `f(arg)`; balanced braces. */
function replaceCommand(s: string, names: RegExp, f: (name: string, arg: string) => string): string {
  let out = "";
  let i = 0;
  const cs = /\\([A-Za-z]+)\*?\s*(?:\[[^\]]*\]\s*)?(?=\{)/g;
  for (let m = cs.exec(s); m !== null; m = cs.exec(s)) {
    const name = m[1] ?? "";
    if (!names.test(name)) continue;
    const g = readGroup(s, cs.lastIndex);
    if (!g) continue;
    // \textcolor{red}{text}, \href{url}{text}: the second group is the text
    let arg = g.inner;
    let end = g.end;
    if (/^(?:textcolor|href)$/.test(name)) {
      const second = readGroup(s, end);
      if (second) {
        arg = second.inner;
        end = second.end;
      }
    }
    out += s.slice(i, m.index) + f(name, arg);
    i = end;
    cs.lastIndex = end;
  }
  return out + s.slice(i);
}

const REFERRED: [RegExp, string][] = [
  [/\b(?:[Ss]ections?|[Ss]ecs?\.|[Cc]hapters?)/, "a later section"],
  [/\b(?:[Aa]ppendi(?:x|ces))/, "the appendix"],
  [/\b(?:[Ff]igures?|[Ff]igs?\.)/, "a figure"],
  [/\b(?:[Tt]ables?|[Tt]abs?\.)/, "a table"],
  [/\b(?:[Ee]quations?|[Ee]qs?\.)/, "an equation"],
  [
    /\b(?:[Tt]heorems?|[Tt]hms?\.|[Ll]emmas?|[Pp]ropositions?|[Cc]orollar(?:y|ies)|[Dd]efinitions?)/,
    "a result",
  ],
];

function textMode(t: string, macros: Macros): string {
  let s = expandMacros(t, macros);
  s = foldTextAccents(s);
  // "Section~\ref{sec:x}": the number is unknown here, the kind of thing is not
  for (const [word, phrase] of REFERRED) {
    s = s.replace(
      new RegExp(String.raw`${word.source}\s*~?\\(?:ref|cref|Cref|eqref|autoref)\{[^}]*\}`, "g"),
      phrase,
    );
  }
  s = s.replace(/~?\\(?:cite[a-z]*|ref|eqref|cref|Cref|autoref|pageref)\*?(?:\[[^\]]*\])*\{[^}]*\}/g, "");
  s = replaceCommand(s, DROP_ARGUMENT, () => "");
  s = replaceCommand(s, /^(?:emph|textit|textsl)$/, (_n, a) => `*${a.trim()}*`);
  s = replaceCommand(s, /^textbf$/, (_n, a) => `**${a.trim()}**`);
  s = replaceCommand(s, /^texttt$/, (_n, a) => `\`${a.trim()}\``);
  s = replaceCommand(s, KEEP_ARGUMENT, (_n, a) => a);
  s = replaceCommand(s, /^href$/, (_n, a) => a);
  s = s
    .replace(/\\(?:item)\b\s*(?:\[[^\]]*\])?/g, " ")
    .replace(/\\(?:begin|end)\{[^}]*\}(?:\[[^\]]*\])?/g, " ")
    .replace(/\\([%&#_$])/g, "$1")
    .replace(/\\(?:ldots|dots)\b\s*/g, "…")
    .replace(/\\[,;:! ]/g, " ")
    .replace(/``|''/g, '"')
    .replace(/---/g, "—")
    .replace(/--/g, "–")
    .replace(/~/g, " ")
    .replace(/\\\\/g, " ");
  // any command left: its name is not text, its braces are
  s = s.replace(/\\[A-Za-z]+\*?/g, "").replace(/[{}]/g, "");
  return s;
}

/** LaTeX prose → Markdown with `$…$` math (author macros expanded), one line. */
export function proseToMarkdown(tex: string, macros: Macros): string {
  const s = mapOutsideMath(
    tex,
    (t) => textMode(t, macros),
    INLINE_MATH,
    (m) => {
      const inner = m.startsWith("\\(") ? m.slice(2, -2) : m.replace(/^\$+|\$+$/g, "");
      const expanded = expandMacros(inner, macros)
        .replace(/\\label\{[^}]*\}/g, "")
        .trim();
      return m.startsWith("$$") ? `$$${expanded}$$` : `$${expanded}$`;
    },
  );
  return s
    .replace(/\s+/g, " ")
    .replace(/\s+([,.;:)])/g, "$1")
    .replace(/\(\s*[,;]?\s*\)/g, "")
    .replace(/\(\s*[,;]\s*/g, "(")
    .trim();
}
