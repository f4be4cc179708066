/**
 * The demo reader: the reader the example issues (2026-02-12 and 2026-02-13) were written for.
 * Interests, lenses and reference papers are taken from those issues; the standing rules and
 * feedback are the ones their feedback sections record.
 */
import type { Rule } from "./issue";
import { ReaderProfile } from "./profile";
import type { RatedFeedback } from "./scoring/index";

export const DEMO_READER_ID = "demo";

export const demoProfile: ReaderProfile = ReaderProfile.parse({
  id: DEMO_READER_ID,
  name: "Nakamoto (demo reader)",
  interests: [
    "Optimal transport: entropic regularization, Sinkhorn iterations, Wasserstein geometry and fast OT computation",
    "Attention mechanisms in transformers: softmax attention as inference, attention priors, efficient attention kernels",
    "Flow matching and diffusion models: velocity fields, stochastic interpolants, reward tilting and sampling",
    "Information geometry: Fisher information, natural gradients, divergences and exponential families",
    "Market microstructure and limit order books: order flow, market making, price impact, LOB simulation",
    "Stochastic control for finance: HJB equations, impulse control, optimal execution and mean-field games",
    "Reinforcement learning for trading and execution: policy gradients for market making and portfolio decisions",
  ],
  lenses: [
    "duality (Legendre–Fenchel, Kantorovich dual potentials)",
    "variational principles",
    "information geometry",
    "first-principles derivations",
    "physics-style perturbation theory",
  ],
  references: [
    {
      id: "arxiv:2602.03067",
      title: "FlashSinkhorn: IO-Aware Entropic Optimal Transport",
      summary:
        "Stabilized log-domain Sinkhorn updates for squared Euclidean costs rewritten as row-wise LogSumExp reductions of biased dot-product scores, the primitive FlashAttention optimizes; tiled, fused kernels cut HBM traffic, up to 32x forward and 161x end-to-end speedups on A100.",
    },
    {
      title: "Scaled-Dot-Product Attention as One-Sided Entropic Optimal Transport",
      summary:
        "Softmax attention is the exact solution of a one-sided entropic optimal transport problem; the backward pass is an advantage-based policy gradient, and the Fisher information of the EOT solution makes the update a natural gradient.",
    },
    {
      id: "arxiv:2601.15380",
      title: "You Need Better Attention Priors",
      summary:
        "GOAT: learnable attention priors replacing the implicit uniform prior of entropic-OT attention; an EOT explanation of attention sinks and length extrapolation.",
    },
    {
      title: "Tilt Matching for Scalable Sampling and Fine-Tuning",
      summary:
        "Steers a pre-trained flow matching model toward a reward-tilted distribution without reward gradients: the velocity correction is a cumulant expansion of the stochastic interpolant, an implicit stochastic optimal control problem.",
    },
    {
      title: "High-dimensional Mean-Field Games by Particle-based Flow Matching",
      summary:
        "Solves mean-field games in high dimension with a proximal fixed-point scheme in Wasserstein space and simulation-free flow matching of particle velocities; Eulerian and Lagrangian equivalence, convergence under displacement convexity.",
    },
    {
      title: "An Impulse Control Approach to Market Making in a Hawkes LOB Market",
      summary:
        "Market making in a Hawkes-driven limit order book as an impulse control problem, an HJB quasi-variational inequality solved by deep PDE methods and by PPO with self-imitation learning.",
    },
    {
      id: "arxiv:2602.00776",
      title: "Explainable Patterns in Cryptocurrency Microstructure",
      summary:
        "Cross-asset stability of feature importance and SHAP dependence in crypto limit order book prediction, tied to order-flow imbalance, spread and adverse selection; maker versus taker performance in a flash crash.",
    },
    {
      id: "arxiv:2602.08318",
      title: "Is Flow Matching Just Trajectory Replay for Sequential Data?",
      summary:
        "The population-optimal flow matching field on sequential data with Gaussian conditional paths is a closed-form similarity-weighted mixture of past transition velocities: a nonparametric memory-augmented ODE sampler.",
    },
  ],
  categories: ["cs.LG", "stat.ML", "math.OC", "q-fin.TR", "q-fin.CP", "q-fin.MF", "math.PR", "cs.AI"],
  youtubeChannels: [],
  delivery: { channels: ["email", "telegram"], timezone: "America/New_York" },
});

const RULES_FEEDBACK_ID = "demo-fb-2026-02-12-text";

/** The standing rules the example issues' feedback sections record. */
export const demoRules: Rule[] = [
  {
    id: "rule-demo-videos",
    text: "YouTube videos are a mandatory component: 1–2 per day.",
    constrains: "videos.min",
    params: { min: 1, max: 2 },
    since: "2026-02-12",
    fromFeedback: RULES_FEEDBACK_ID,
  },
  {
    id: "rule-demo-author-talks",
    text: "Search author talks for each recommended paper and link them.",
    constrains: "videos.authorTalks",
    params: { enabled: true },
    since: "2026-02-12",
    fromFeedback: RULES_FEEDBACK_ID,
  },
  {
    id: "rule-demo-identical-channels",
    text: "Both delivery channels must push identical content.",
    constrains: "channels.identical",
    params: { enabled: true },
    since: "2026-02-12",
    fromFeedback: RULES_FEEDBACK_ID,
  },
];

const picks20260212 = [
  {
    itemId: "example:2026-02-12:sdpa-eot",
    title: "Scaled-Dot-Product Attention as One-Sided Entropic Optimal Transport",
    summary:
      "Softmax attention is the unique optimizer of a one-sided entropic optimal transport problem; its gradient is an advantage function as in policy-gradient RL and the Fisher information of the EOT solution makes learning a natural gradient on the attention manifold.",
  },
  {
    itemId: "example:2026-02-12:tilt-matching",
    title: "Tilt Matching for Scalable Sampling and Fine-Tuning",
    summary:
      "A dynamical equation relating a pre-trained flow velocity to one targeting a reward-tilted distribution, solved implicitly as stochastic optimal control; the correction is a cumulant expansion, to first order the covariance of data endpoint and reward given the interpolant.",
  },
  {
    itemId: "example:2026-02-12:mfg-flow-matching",
    title: "High-dimensional Mean-Field Games by Particle-based Flow Matching",
    summary:
      "Flow matching solves high-dimensional mean-field games: a proximal fixed-point scheme with the 2-Wasserstein distance, particles updated by first-order optimality, a flow network trained simulation-free to match particle velocities.",
  },
  {
    itemId: "example:2026-02-12:hawkes-lob-impulse",
    title: "An Impulse Control Approach to Market Making in a Hawkes LOB Market",
    summary:
      "Market making in a Hawkes-driven limit order book as impulse control; the HJB quasi-variational inequality solved by deep PDE methods and by PPO reinforcement learning with self-imitation.",
  },
];

/**
 * Feedback recorded in the example issues: positive ratings on all four picks of 2026-02-12, and
 * the free-text note whose rules are `demoRules`.
 */
export const demoFeedback: RatedFeedback[] = [
  ...picks20260212.map(
    (p, i): RatedFeedback => ({
      id: `demo-fb-2026-02-12-up-${i + 1}`,
      readerId: DEMO_READER_ID,
      at: "2026-02-12T18:00:00.000Z",
      issueDate: "2026-02-12",
      itemId: p.itemId,
      kind: "rating",
      rating: "up",
      channel: "telegram",
      item: { title: p.title, summary: p.summary },
    }),
  ),
  {
    id: RULES_FEEDBACK_ID,
    readerId: DEMO_READER_ID,
    at: "2026-02-12T18:05:00.000Z",
    issueDate: "2026-02-12",
    kind: "text",
    text: "Positive feedback on all 4 picks (themes, interestingness, explanations). Issues: (1) Telegram/email diverged in content — should be identical up to formatting. (2) Missing YouTube video recommendations — should include 1-2 per day.",
    channel: "telegram",
  },
];

/** Items the example issues already sent: the demo reader's seen set starts with them. */
export const demoSeen: { keys: string[]; date: string; title: string }[] = [
  {
    keys: ["arxiv:2602.03067"],
    date: "2026-02-13",
    title: "FlashSinkhorn: IO-Aware Entropic Optimal Transport",
  },
  {
    keys: ["arxiv:2602.00776"],
    date: "2026-02-13",
    title: "Explainable Patterns in Cryptocurrency Microstructure",
  },
  {
    keys: ["arxiv:2602.08318"],
    date: "2026-02-13",
    title: "Is Flow Matching Just Trajectory Replay for Sequential Data?",
  },
  { keys: ["github:kpetridis24/lobsim"], date: "2026-02-13", title: "LOBSIM" },
  {
    keys: ["youtube:jgrkhZ8ovVc"],
    date: "2026-02-13",
    title: "Optimal Transport, part 1 — Marco Cuturi (MLSS 2020)",
  },
  ...picks20260212.map((p) => ({ keys: [p.itemId], date: "2026-02-12", title: p.title })),
];
