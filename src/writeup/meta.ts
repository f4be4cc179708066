import type { Candidate } from "../candidate";

/** A top-level field per arXiv archive (the first segment of a category). */
const ARCHIVE_FIELD: Record<string, string> = {
  cs: "CS",
  stat: "Statistics",
  math: "Math",
  "q-fin": "Finance",
  econ: "Economics",
  eess: "EE",
  "q-bio": "Biology",
  physics: "Physics",
  "cond-mat": "Physics",
  "quant-ph": "Physics",
  "hep-th": "Physics",
  "hep-ph": "Physics",
  "hep-ex": "Physics",
  "hep-lat": "Physics",
  "gr-qc": "Physics",
  "astro-ph": "Physics",
  "math-ph": "Math",
  nlin: "Physics",
  "nucl-th": "Physics",
  "nucl-ex": "Physics",
};

/** Categories that make a work "ML" whatever its archive. */
const ML_CATEGORIES = new Set(["cs.LG", "stat.ML", "cs.AI", "cs.NE", "cs.CL", "cs.CV", "cs.IR", "cs.MA"]);

/** A short label per category, used as a sub-field. */
const CATEGORY_LABEL: Record<string, string> = {
  "cs.CL": "NLP",
  "cs.CV": "Computer Vision",
  "cs.DC": "Systems",
  "cs.PF": "Systems",
  "cs.AR": "Hardware",
  "cs.OS": "Systems",
  "cs.MS": "Numerical Software",
  "cs.RO": "Robotics",
  "cs.CR": "Security",
  "cs.DS": "Algorithms",
  "cs.IT": "Information Theory",
  "cs.GT": "Game Theory",
  "cs.SY": "Control",
  "eess.SY": "Control",
  "cs.NA": "Numerical Analysis",
  "math.NA": "Numerical Analysis",
  "math.OC": "Optimization & Control",
  "math.PR": "Probability",
  "math.ST": "Statistics",
  "stat.TH": "Statistics",
  "stat.ME": "Statistical Methods",
  "stat.CO": "Computational Statistics",
  "math.AP": "PDEs",
  "math.DS": "Dynamical Systems",
  "math.FA": "Functional Analysis",
  "math.DG": "Differential Geometry",
  "q-fin.TR": "Market Microstructure",
  "q-fin.MF": "Mathematical Finance",
  "q-fin.CP": "Computational Finance",
  "q-fin.PM": "Portfolio Management",
  "q-fin.RM": "Risk Management",
  "q-fin.ST": "Statistical Finance",
  "q-fin.PR": "Pricing",
  "q-fin.EC": "Economics",
  "econ.EM": "Econometrics",
  "econ.TH": "Economic Theory",
  "econ.GN": "Economics",
  "quant-ph": "Quantum",
  "cond-mat.stat-mech": "Statistical Mechanics",
  "cond-mat.dis-nn": "Disordered Systems",
  "physics.comp-ph": "Computational Physics",
  "physics.data-an": "Data Analysis",
  "eess.SP": "Signal Processing",
  "eess.IV": "Imaging",
  "q-bio.NC": "Neuroscience",
  "hep-th": "High-Energy Theory",
  "gr-qc": "Gravitation",
  "math-ph": "Mathematical Physics",
  "nlin.CD": "Chaos",
  "nlin.AO": "Complex Systems",
};

/** Content topics, most specific first; matched against title, abstract and tags. */
export const TOPICS: { label: string; pattern: RegExp }[] = [
  { label: "Optimal Transport", pattern: /optimal[- ]transport|wasserstein|sinkhorn|monge|kantorovich/i },
  {
    label: "Market Microstructure",
    pattern: /order[- ]book|microstructure|order[- ]flow|market[- ]mak|high[- ]frequency trading|\bLOB\b/i,
  },
  {
    label: "Stochastic Control",
    pattern: /stochastic (optimal )?control|hamilton[- ]jacobi|\bHJB\b|impulse control/i,
  },
  { label: "Game Theory", pattern: /mean[- ]field game|nash equilibri|game[- ]theor/i },
  {
    label: "Generative Models",
    pattern:
      /flow matching|diffusion model|score[- ]based|normalizing flow|generative model|variational autoencoder|\bGANs?\b/i,
  },
  { label: "Information Geometry", pattern: /information geometry|fisher information|natural gradient/i },
  {
    label: "Derivatives Pricing",
    pattern: /option pricing|implied volatility|black[- ]scholes|derivative pricing|\bCEV\b/i,
  },
  { label: "Portfolio Optimization", pattern: /portfolio/i },
  { label: "Credit Risk", pattern: /credit (risk|default|scor)/i },
  {
    label: "Reinforcement Learning",
    pattern: /reinforcement learning|policy gradient|\bPPO\b|offline RL|Q-learning/i,
  },
  { label: "Time Series", pattern: /time[- ]series|forecast/i },
  { label: "Transformers", pattern: /attention|transformer/i },
  { label: "LLMs", pattern: /large language model|\bLLMs?\b|language model/i },
  {
    label: "Systems",
    pattern:
      /\bGPUs?\b|kernel fusion|IO[- ]aware|memory[- ]bandwidth|accelerator|throughput|FPGA|edge device|HBM|SRAM|distributed training/i,
  },
  { label: "Graph Learning", pattern: /graph neural|\bGNNs?\b/i },
  { label: "Bayesian Inference", pattern: /bayesian|posterior|variational inference/i },
  { label: "Causal Inference", pattern: /causal/i },
  { label: "Dynamical Systems", pattern: /dynamical system|neural ODE|koopman|continuous[- ]time dynamics/i },
  {
    label: "Learning Theory",
    pattern: /regret bound|sample complexity|generalization bound|convergence rate|minimax/i,
  },
  { label: "Optimization", pattern: /optimi[sz]er|stochastic gradient|\bSGD\b|\bAdam\b|convex/i },
  { label: "Federated Learning", pattern: /federated/i },
  { label: "Quantum", pattern: /quantum/i },
  { label: "Neurotech", pattern: /\bEEG\b|brain[- ]computer/i },
  { label: "Computer Vision", pattern: /\bimages?\b|\bvision\b|image segmentation/i },
  { label: "Representation Learning", pattern: /contrastive|self[- ]supervised|representation learning/i },
  { label: "Clustering", pattern: /\bcluster(ing|s)?\b/i },
  {
    label: "Econometrics",
    pattern: /panel data|fixed effects|instrumental variable|difference[- ]in[- ]differences|regression/i,
  },
  { label: "Banking", pattern: /\bbank(s|ing)?\b|interest rates?|monetary/i },
  {
    label: "Research tooling",
    pattern: /simulator|library|toolkit|framework for|replay engine|benchmark suite/i,
  },
];

function archiveOf(category: string): string {
  return category.split(".")[0] ?? category;
}

function fieldOf(category: string): string {
  if (ML_CATEGORIES.has(category)) return "ML";
  return ARCHIVE_FIELD[archiveOf(category)] ?? "CS";
}

/**
 * A short domain path for a pick, e.g. "ML / Optimal Transport / Systems" or "Finance / Market
 * Microstructure / ML": the field of the primary arXiv category, then the most specific topics found in
 * the title, abstract and tags, then the sub-fields of the categories; at most three parts.
 */
export function domainOf(c: Candidate, tags: string[]): string {
  const text = `${c.title}\n${c.summary}\n${tags.join(" ").replace(/-/g, " ")}\n${(c.signals.topics ?? []).join(" ")}`;
  const parts: string[] = [];
  const add = (label: string | undefined): void => {
    if (label && !parts.includes(label) && parts.length < 3) parts.push(label);
  };
  const primary = c.categories[0];
  const mlCross = c.categories.some((cat) => ML_CATEGORIES.has(cat));
  if (c.kind === "tool")
    add(
      /finance|trading|market|order book/i.test(text)
        ? "Finance"
        : mlCross || /machine learning|neural|model/i.test(text)
          ? "ML"
          : "Software",
    );
  else if (c.kind === "video")
    add(/theorem|lecture|mathemat|transport|geometry|probability/i.test(text) ? "Math" : "ML");
  else if (primary && archiveOf(primary) === "cs" && !ML_CATEGORIES.has(primary) && !mlCross)
    add(CATEGORY_LABEL[primary] ?? "CS");
  else if (primary && archiveOf(primary) === "cs" && !ML_CATEGORIES.has(primary)) add("ML");
  else if (primary) add(fieldOf(primary));
  else
    add(
      c.sources.includes("huggingface") || /learning|neural|\bLLMs?\b|model/i.test(text) ? "ML" : "Research",
    );

  const topics = TOPICS.filter((t) => t.pattern.test(text)).map((t) => t.label);
  // Keep the first (most specific) topic, then a category label, then more topics.
  add(topics[0]);
  for (const cat of c.categories) add(CATEGORY_LABEL[cat] === parts[0] ? undefined : CATEGORY_LABEL[cat]);
  for (const t of topics.slice(1)) add(t);
  if (mlCross) add("ML");
  if (c.kind === "tool") add("Research tooling");
  if (parts.length === 1 && c.kind === "paper") add(c.categories.length > 0 ? "Research" : undefined);
  return parts.join(" / ");
}

/** "1h 34m", "1h", "38 min" (examples' style). */
export function formatDuration(seconds: number): string {
  const totalMinutes = Math.max(1, Math.round(seconds / 60));
  const h = Math.floor(totalMinutes / 60);
  const m = totalMinutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h}h` : `${h}h ${m}m`;
}

/** Pages of a paper: Signals.pages, else "12 pages" in the arXiv comment. */
export function pagesOf(c: Candidate): number | undefined {
  if (c.signals.pages !== undefined && c.signals.pages > 0) return c.signals.pages;
  const m = /(\d{1,4})\s*(?:pages|pp\.?|page)\b/i.exec(c.signals.comment ?? "");
  const n = m?.[1] ? Number(m[1]) : undefined;
  return n && n > 0 && n < 2000 ? n : undefined;
}

const THEORY_CATEGORY =
  /^(math\.|math-ph|stat\.TH|hep-th|gr-qc|quant-ph|cs\.IT|cs\.GT|cs\.CC|q-fin\.MF|nlin)/;
const THEORY_WORDS =
  /\b(theorem|lemma|prove|proof|derive|derivation|closed[- ]form|bound|converge|convergence|equation|variational|duality|dual|asymptotic|stochastic differential|PDE|operator)\w*/gi;

/** How hard the text reads: 0 (plain empirical) … ~1 (proof-heavy). */
export function difficultyOf(c: Candidate): number {
  const words = Math.max(1, c.summary.split(/\s+/).length);
  const math = (c.summary.match(/\$[^$]+\$/g) ?? []).length;
  const theoryWords = (c.summary.match(THEORY_WORDS) ?? []).length;
  const density = (math * 2 + theoryWords) / (words / 100);
  const theoryCategory = c.categories.some((cat) => THEORY_CATEGORY.test(cat)) ? 0.35 : 0;
  return Math.min(1, theoryCategory + Math.min(0.65, density / 8));
}

function round5(n: number): number {
  return Math.max(5, Math.round(n / 5) * 5);
}

/**
 * Reading time, in the examples' words: "~40min read", "20 min abstract+figures, 60–90 min real read";
 * for a talk its duration ("1h 34m", "38 min"); for a tool the time to scan its README and try it.
 * Estimated from abstract length, page count (Signals.pages or "12 pages" in the comment) and how
 * mathematical the abstract and categories are.
 */
export function timeCostOf(c: Candidate): string {
  if (c.kind === "video") {
    return c.signals.durationSeconds ? formatDuration(c.signals.durationSeconds) : "talk, length not listed";
  }
  if (c.kind === "discussion") return "5–10 min thread";
  if (c.kind === "tool") {
    const hasExample = /```/.test(c.signals.readme ?? "");
    return hasExample ? "15–30 min to scan README + run a demo" : "10–20 min to scan README";
  }
  const words = c.summary.split(/\s+/).filter(Boolean).length;
  const pages = pagesOf(c);
  const difficulty = difficultyOf(c);
  const factor = 1 + difficulty * 0.8;
  const base = pages !== undefined ? Math.min(150, pages * 3.2) : 22 + words / 12;
  const real = Math.min(240, Math.max(20, base * factor));
  const heavy = difficulty >= 0.45 || (pages ?? 0) >= 18;
  if (!heavy) return `~${round5(real)}min read`;
  const theory = difficulty >= 0.6;
  const finance = c.categories.some((cat) => cat.startsWith("q-fin") || cat.startsWith("econ"));
  const skim = round5(10 + difficulty * 12);
  const lo = round5(real * 0.8);
  const hi = round5(real * (theory ? 1.5 : 1.25));
  if (theory) return `${skim} min abstract+main derivation, ${lo}–${hi} min to really digest`;
  if (finance) return `${skim} min abstract+setup, ${lo}–${hi} min skim + check assumptions`;
  return `${skim} min abstract+figures, ${lo}–${hi} min real read`;
}
