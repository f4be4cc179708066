/**
 * A small topic taxonomy: slugs that items carry as tags (the issue page's GPU panel keys on
 * "optimal-transport" and "attention"), recognized by phrases in normalized text. The phrases
 * double as query expansion for the reader's interests: an interest about "Sinkhorn" also
 * reaches papers that only say "Wasserstein".
 */
import { normalizeText } from "./terms";

export interface Topic {
  slug: string;
  /** Readable name, for explanations. */
  label: string;
  /** Phrases (matched on normalized text, word-bounded at the start). */
  patterns: RegExp;
  /** Words added to an interest's query vector when the interest mentions this topic. */
  expansion: string;
  /** Cheap substrings, one of which every match contains (skips the regex for most texts). */
  hints: readonly string[];
}

export const TOPICS: readonly Topic[] = [
  {
    slug: "optimal-transport",
    hints: [
      "transport",
      "wasserstein",
      "sinkhorn",
      "monge",
      "kantorovich",
      "earth mover",
      "schrodinger",
      "entropic",
    ],
    label: "optimal transport",
    patterns:
      /\b(optimal transport|wasserstein|sinkhorn|monge|kantorovich|earth mover|schrodinger bridge|entropic (?:regulari[sz]|ot\b|optimal))/,
    expansion:
      "optimal transport wasserstein distance sinkhorn entropic regularization coupling kantorovich dual potentials",
  },
  {
    slug: "attention",
    hints: ["attention", "transformer", "kv"],
    label: "attention mechanisms",
    patterns:
      /\b(self-attention|cross-attention|attention (?:mechanism|head|layer|weight|map|score|matri|sink|kernel|module|block)|softmax attention|linear attention|flash-?attention|sparse attention|multi-head attention|transformers?\b|kv[- ]cache|(?<!(?:much|considerable|significant|increasing|increased|growing|little|great|more|less|special|particular|wide|widespread|close|careful|public|received|gained|attracted|drawn|draws?|drew|paid|pay|paying|deserves?|requires?|garnered) )attention(?! (?:to|from|in recent|has been)\b))/,
    expansion: "attention softmax transformer query key value heads",
  },
  {
    slug: "flow-matching",
    hints: ["flow", "interpolant"],
    label: "flow matching",
    patterns:
      /\b(flow matching|rectified flow|stochastic interpolant|normali[sz]ing flow|continuous normali[sz]ing)/,
    expansion: "flow matching velocity field ode probability path interpolant",
  },
  {
    slug: "diffusion",
    hints: ["diffusion", "score", "ddpm", "consistency"],
    label: "diffusion models",
    patterns:
      /\b(diffusion models?|score-based|score matching|denoising diffusion|ddpm|diffusion sampl|consistency model)/,
    expansion: "diffusion model score matching denoising generative sampling",
  },
  {
    slug: "information-geometry",
    hints: [
      "information",
      "fisher",
      "natural gradient",
      "mirror",
      "bregman",
      "manifold",
      "exponential famil",
    ],
    label: "information geometry",
    patterns:
      /\b(information geometry|information-geometric|fisher information|fisher-rao|natural gradient|mirror descent|bregman|statistical manifold|exponential famil)/,
    expansion: "information geometry fisher information natural gradient divergence manifold",
  },
  {
    slug: "market-microstructure",
    hints: [
      "order",
      "microstructure",
      "market",
      "bid-ask",
      "high-frequency",
      "lead-lag",
      "tick",
      "intraday",
      "impact",
      "liquidity",
    ],
    label: "market microstructure",
    patterns:
      /\b(limit order books?|order books?|microstructure|market[- ]mak(?:er|ing)|order flow|bid-ask|high-frequency (?:trading|financial|data)|lead-lag|tick data|intraday|price impact|market impact|liquidity provision)/,
    expansion: "limit order book market microstructure order flow market making price impact liquidity",
  },
  {
    slug: "stochastic-control",
    hints: ["control", "hamilton", "hjb", "execution", "stopping", "dynamic programming", "viscosity"],
    label: "stochastic control",
    patterns:
      /\b(stochastic control|optimal control|hamilton-jacobi|hjb|impulse control|optimal execution|optimal stopping|dynamic programming principle|viscosity solution)/,
    expansion: "stochastic optimal control hamilton jacobi bellman equation value function",
  },
  {
    slug: "mean-field-games",
    hints: ["mean", "mckean"],
    label: "mean-field games",
    patterns: /\b(mean[- ]field games?|mean[- ]field control|mckean-vlasov|mean[- ]field type)/,
    expansion: "mean field game equilibrium many agents mckean vlasov",
  },
  {
    slug: "reinforcement-learning",
    hints: ["reinforcement", "policy", "learning", "critic", "ppo", "markov decision", "rl"],
    label: "reinforcement learning",
    patterns:
      /\b(reinforcement learning|policy gradient|q-learning|actor-critic|proximal policy|\bppo\b|markov decision process|\brl\b)/,
    expansion: "reinforcement learning policy reward agent",
  },
  {
    slug: "quant-finance",
    hints: [
      "portfolio",
      "pricing",
      "volatility",
      "hedging",
      "trading",
      "financial",
      "stock",
      "cryptocurrenc",
    ],
    label: "quantitative finance",
    patterns:
      /\b(portfolio|asset pricing|option pricing|implied volatility|stochastic volatility|hedging|algorithmic trading|trading strateg|financial markets?|stock (?:market|price|return)|cryptocurrenc)/,
    expansion: "trading portfolio asset pricing volatility financial markets",
  },
  {
    slug: "stochastic-processes",
    hints: ["hawkes", "stochastic", "sde", "brownian", "levy", "point process", "martingale"],
    label: "stochastic processes",
    patterns:
      /\b(hawkes|stochastic differential|\bsdes?\b|brownian motion|levy process|point process|martingale)/,
    expansion: "stochastic process hawkes point process brownian sde",
  },
  {
    slug: "llm",
    hints: ["language model", "llm", "instruction", "chatbot", "prompt"],
    label: "large language models",
    patterns: /\b(large language models?|\bllms?\b|language models?|instruction tun|chatbot|prompt)/,
    expansion: "language model llm",
  },
  {
    slug: "vision",
    hints: ["image", "object", "vision", "video", "point cloud", "3d"],
    label: "computer vision",
    patterns:
      /\b(image segmentation|object detection|computer vision|vision-language|video generation|point cloud|3d reconstruction)/,
    expansion: "image vision",
  },
];

const TOPIC_BY_SLUG = new Map(TOPICS.map((t) => [t.slug, t]));

/** The topic with this slug, if it is in the taxonomy. */
export function topicBySlug(slug: string): Topic | undefined {
  return TOPIC_BY_SLUG.get(slug);
}

/** Slugs of the topics `text` mentions, in taxonomy order. */
export function topicsOf(text: string): string[] {
  return topicsOfNormalized(normalizeText(text));
}

/** `topicsOf` for text already passed through `normalizeText`. */
export function topicsOfNormalized(normalized: string): string[] {
  const out: string[] = [];
  for (const t of TOPICS) {
    if (t.hints.some((h) => normalized.includes(h)) && t.patterns.test(normalized)) out.push(t.slug);
  }
  return out;
}
