/**
 * The LaTeX of one paper as one document: comments removed, the main file found (`\documentclass`), its
 * `\input`/`\include`/`\subfile` lines replaced by the files they name, and the author's macros
 * (`\newcommand`, `\renewcommand`, `\providecommand`, `\def`, `\DeclareMathOperator`) collected so that
 * formulas quoted from the paper can be expanded before KaTeX sees them.
 */
import { EprintError, type SourceFile } from "./archive";

/** An author macro: `\name` with `params` arguments (the first optional when `optional` is set). */
export interface Macro {
  params: number;
  body: string;
  optional?: string;
}

export type Macros = Record<string, Macro>;

export interface LatexDocument {
  mainFile: string;
  /** The files merged into the document, main first, in the order they were input. */
  inputs: string[];
  preamble: string;
  body: string;
  macros: Macros;
}

/** Removes `%` comments (not `\%`), `\iffalse…\fi` blocks and `comment` environments. */
export function stripComments(tex: string): string {
  return tex
    .replace(/(^|[^\\])((?:\\\\)*)%.*$/gm, "$1$2")
    .replace(/\\begin\{comment\}[\s\S]*?\\end\{comment\}/g, "")
    .replace(/\\iffalse\b[\s\S]*?\\fi\b/g, "");
}

const DOCUMENTCLASS = /\\documentclass\s*(?:\[[^\]]*\])?\s*\{[^}]*\}/;

/**
 * The main file: the one with `\documentclass` and `\begin{document}`; among several, the one that inputs
 * the most other files, then a conventional name (main, ms, paper). Throws `EprintError("not-latex")`
 * when no file declares a document class.
 */
export function findMainFile(files: SourceFile[]): SourceFile {
  const candidates = files
    .filter((f) => /\.(tex|ltx)$/i.test(f.path))
    .map((f) => ({ f, text: stripComments(f.text) }))
    .filter((x) => DOCUMENTCLASS.test(x.text));
  if (candidates.length === 0) {
    throw new EprintError("not-latex", "no file of the e-print has a \\documentclass: no main file to read");
  }
  const score = (x: { f: SourceFile; text: string }) =>
    (/\\begin\{document\}/.test(x.text) ? 100 : 0) +
    (x.text.match(/\\(?:input|include|subfile)\b/g) ?? []).length * 2 +
    (/(^|\/)(main|ms|paper|article|manuscript)\.tex$/i.test(x.f.path) ? 5 : 0) -
    x.f.path.split("/").length;
  return candidates.reduce((best, x) => (score(x) > score(best) ? x : best)).f;
}

/** Finds a file named in `\input{name}`: with or without `.tex`, relative to the main file's folder or the root. */
function resolvePath(name: string, from: string, files: Map<string, SourceFile>): SourceFile | undefined {
  const clean = name.trim().replace(/^\.\//, "");
  const dir = from.includes("/") ? from.slice(0, from.lastIndexOf("/") + 1) : "";
  for (const base of [dir, ""]) {
    for (const ext of ["", ".tex", ".ltx"]) {
      const hit = files.get(normalizePath(`${base}${clean}${ext}`));
      if (hit) return hit;
    }
  }
  return undefined;
}

function normalizePath(p: string): string {
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return out.join("/");
}

const MAX_INPUT_DEPTH = 8;

/**
 * Merges the paper into one document: `\input`, `\include` and `\subfile` are replaced by the files they
 * name (recursively, each file at most once, so a cycle cannot loop); the author's `.sty` files named by
 * `\usepackage` join the preamble for their macros.
 */
export function assembleDocument(files: SourceFile[]): LatexDocument {
  const main = findMainFile(files);
  const byPath = new Map(files.map((f) => [normalizePath(f.path), f] as const));
  const inputs: string[] = [main.path];
  const seen = new Set<string>([normalizePath(main.path)]);
  const expand = (text: string, from: string, depth: number): string =>
    stripComments(text).replace(
      /\\(?:input|include|subfile)\s*(?:\{([^}]+)\}|([^\s{}\\]+\.tex))/g,
      (_whole, braced: string | undefined, bare: string | undefined) => {
        const target = resolvePath(braced ?? bare ?? "", from, byPath);
        if (!target || depth >= MAX_INPUT_DEPTH) return "";
        const key = normalizePath(target.path);
        if (seen.has(key)) return "";
        seen.add(key);
        inputs.push(target.path);
        return `\n${expand(target.text, target.path, depth + 1)}\n`;
      },
    );
  const merged = expand(main.text, main.path, 0);
  const begin = merged.indexOf("\\begin{document}");
  const end = merged.lastIndexOf("\\end{document}");
  let preamble = begin >= 0 ? merged.slice(0, begin) : merged.slice(0, merged.search(DOCUMENTCLASS) + 1);
  const body = begin >= 0 ? merged.slice(begin + 16, end > begin ? end : undefined) : merged;
  for (const m of preamble.matchAll(/\\usepackage\s*(?:\[[^\]]*\])?\s*\{([^}]+)\}/g)) {
    for (const name of (m[1] ?? "").split(",")) {
      const sty = byPath.get(normalizePath(`${name.trim()}.sty`));
      if (sty && !seen.has(normalizePath(sty.path))) {
        seen.add(normalizePath(sty.path));
        inputs.push(sty.path);
        preamble += `\n${stripComments(sty.text)}`;
      }
    }
  }
  // Macros may be defined in the body too (after \begin{document}); the preamble's win on a clash.
  const macros = { ...collectMacros(body), ...collectMacros(preamble) };
  return { mainFile: main.path, inputs, preamble, body, macros };
}

/** Reads a balanced `{…}` group starting at `i` (which must be `{`); returns its inside and the index after it. */
export function readGroup(s: string, i: number): { inner: string; end: number } | undefined {
  if (s[i] !== "{") return undefined;
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    const ch = s[j];
    if (ch === "\\") {
      j++;
      continue;
    }
    if (ch === "{") depth++;
    else if (ch === "}") {
      depth--;
      if (depth === 0) return { inner: s.slice(i + 1, j), end: j + 1 };
    }
  }
  return undefined;
}

function skipSpaces(s: string, i: number): number {
  let j = i;
  while (j < s.length && /\s/.test(s[j] ?? "")) j++;
  return j;
}

/** The macro name after a definition command: `{\name}`, `\name` or (for \def) `\name`. */
function readName(s: string, i: number): { name: string; end: number } | undefined {
  let j = skipSpaces(s, i);
  const braced = s[j] === "{";
  if (braced) j = skipSpaces(s, j + 1);
  const m = /^\\([A-Za-z]+|.)/.exec(s.slice(j, j + 60));
  if (!m?.[1]) return undefined;
  j += m[0].length;
  if (braced) {
    j = skipSpaces(s, j);
    if (s[j] !== "}") return undefined;
    j++;
  }
  return { name: m[1], end: j };
}

const MAX_MACROS = 600;

/** Collects macro definitions. Later definitions win, as in TeX (`\renewcommand`), except `\providecommand`. */
export function collectMacros(tex: string): Macros {
  const macros: Macros = {};
  const def =
    /\\(newcommand|renewcommand|providecommand|DeclareRobustCommand|DeclareMathOperator|def|gdef)(\*?)/g;
  let count = 0;
  for (let m = def.exec(tex); m !== null && count < MAX_MACROS; m = def.exec(tex)) {
    const kind = m[1] ?? "";
    const starred = m[2] === "*";
    const named = readName(tex, def.lastIndex);
    if (!named) continue;
    let j = named.end;
    let params = 0;
    let optional: string | undefined;
    if (kind === "def" || kind === "gdef") {
      const p = /^(?:#\d)+/.exec(tex.slice(j, j + 20));
      if (p) {
        params = p[0].length / 2;
        j += p[0].length;
      }
    } else if (kind !== "DeclareMathOperator") {
      j = skipSpaces(tex, j);
      const n = /^\[(\d)\]/.exec(tex.slice(j, j + 4));
      if (n) {
        params = Number(n[1]);
        j = skipSpaces(tex, j + n[0].length);
        if (tex[j] === "[") {
          const close = tex.indexOf("]", j);
          if (close > j) {
            optional = tex.slice(j + 1, close);
            j = close + 1;
          }
        }
      }
    }
    j = skipSpaces(tex, j);
    const group = readGroup(tex, j);
    if (!group) continue;
    def.lastIndex = group.end;
    if (kind === "providecommand" && macros[named.name]) continue;
    const body =
      kind === "DeclareMathOperator"
        ? `\\operatorname${starred ? "*" : ""}{${group.inner}}`
        : group.inner.replace(/\\xspace\b/g, "").replace(/^\s*\\ensuremath\s*\{([\s\S]*)\}\s*$/, "$1");
    macros[named.name] = { params, body, ...(optional !== undefined ? { optional } : {}) };
    count++;
  }
  return macros;
}

/** Reads one macro argument at `i`: a braced group, a control sequence, or one character. */
function readArgument(s: string, i: number): { arg: string; end: number } | undefined {
  const j = skipSpaces(s, i);
  if (j >= s.length) return undefined;
  if (s[j] === "{") {
    const g = readGroup(s, j);
    return g ? { arg: g.inner, end: g.end } : undefined;
  }
  const cs = /^\\([A-Za-z]+|.)/.exec(s.slice(j, j + 40));
  if (cs) return { arg: cs[0], end: j + cs[0].length };
  return { arg: s[j] ?? "", end: j + 1 };
}

const MAX_EXPANSIONS = 2000;

/**
 * Expands author macros in `tex` (a formula or prose), arguments included, until none is left or a budget
 * of expansions is spent (so a self-referential macro cannot loop). Macros not defined by the author are
 * left for KaTeX, which knows the standard ones.
 */
export function expandMacros(tex: string, macros: Macros): string {
  const names = Object.keys(macros);
  if (names.length === 0 || !tex.includes("\\")) return tex;
  let budget = MAX_EXPANSIONS;
  let s = tex;
  let changed = true;
  while (changed && budget > 0) {
    changed = false;
    let out = "";
    let i = 0;
    const cs = /\\([A-Za-z]+|[^A-Za-z\s])/g;
    for (let m = cs.exec(s); m !== null; m = cs.exec(s)) {
      const name = m[1] ?? "";
      const macro = macros[name];
      if (!macro || budget <= 0) continue;
      let end = cs.lastIndex;
      const args: string[] = [];
      let first = 0;
      if (macro.optional !== undefined) {
        const j = skipSpaces(s, end);
        if (s[j] === "[") {
          const close = s.indexOf("]", j);
          args.push(close > j ? s.slice(j + 1, close) : macro.optional);
          end = close > j ? close + 1 : end;
        } else args.push(macro.optional);
        first = 1;
      }
      let complete = true;
      for (let k = first; k < macro.params; k++) {
        const a = readArgument(s, end);
        if (!a) {
          complete = false;
          break;
        }
        args.push(a.arg);
        end = a.end;
      }
      if (!complete) continue;
      const body = macro.body.replace(/#(\d)/g, (_x, d: string) => args[Number(d) - 1] ?? "");
      // "\RR x" must not become "\mathbb{R}x" glued into a new control word
      const glue = /\\[A-Za-z]+$/.test(body) && /^[A-Za-z]/.test(s.slice(end)) ? " " : "";
      out += s.slice(i, m.index) + body + glue;
      i = end;
      cs.lastIndex = end;
      budget--;
      changed = true;
    }
    s = out + s.slice(i);
  }
  return s;
}
