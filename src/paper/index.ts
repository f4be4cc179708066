/**
 * The paper behind a pick, read from its LaTeX source (or arXiv's HTML rendering, or only its abstract):
 * equations with their context, theorems, contributions and headline figures, for the writers.
 */
export { EprintError, type EprintErrorKind, unpackEprint } from "./archive";
export { centralEquation } from "./extract";
export { assembleDocument, collectMacros, expandMacros, findMainFile } from "./latex";
export { arxivIdOf, memoryPaperCache, type PaperCache, type PaperDeps, readEprint, readPaper } from "./read";
export { PaperContext, type PaperEquation, type PaperFigure, type PaperTheorem } from "./types";
