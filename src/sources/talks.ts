/**
 * A curated library of real, evergreen lectures and talks for the reader's domains: the
 * backfill for the mandatory daily video when the live channel feeds have nothing relevant.
 *
 * Every entry's video id, title, speaker, venue and year was read from a public page that links
 * the video (recorded in `verifiedFrom`); nothing here is guessed. Where the source does not name
 * the speaker, the venue, the year or the duration, the field is left out rather than filled in.
 * Summaries paraphrase the source's own description; they are what the lexical scorer matches
 * against the reader's interests, so they name the talk's actual topics.
 */
import type { Candidate, Signals } from "../candidate";

/** One curated talk. */
export interface TalkEntry {
  /** The 11-character YouTube video id. */
  id: string;
  title: string;
  /** Speakers as the verifying source names them; empty when it names none. */
  speakers: string[];
  /** The venue, course or channel, when the source names it. */
  venue?: string;
  /** The year of the talk, only when the source states it. */
  year?: number;
  /** Length in seconds, only when the source states it. */
  durationSeconds?: number;
  /** Two or three sentences on what the talk covers, after the source's description. */
  summary: string;
  /** Topic labels, used as categories. */
  topics: string[];
  /** Where the link was verified: a URL, or `owner/repo:path` of a public repository file. */
  verifiedFrom: string;
}

const MIT_18S096 = "MIT 18.S096 Topics in Mathematics with Applications in Finance";
const OCW_18S096 =
  "mitodl/hugo-course-publisher:site/content/courses/18-s096-topics-in-mathematics-with-applications-in-finance-fall-2013/sections/video-lectures";
const CUTURI_LINKS = "ahwillia/itsneuronalblog:_posts/2020-10-09-optimal-transport.md";

/** The library, grouped by the reader's domains. */
export const talkLibrary: TalkEntry[] = [
  // Optimal transport, entropic regularization, Sinkhorn.
  {
    id: "jgrkhZ8ovVc",
    title: "Optimal Transport, part 1",
    speakers: ["Marco Cuturi"],
    venue: "MLSS Tübingen 2020",
    year: 2020,
    durationSeconds: 94 * 60,
    summary:
      "Introductory lecture on optimal transport for machine learning: starts from the Monge and Kantorovich problems and builds the Kantorovich duality and geometric picture of the Wasserstein distance between probability distributions, the companion to entropic OT and Sinkhorn work.",
    topics: ["optimal transport", "Wasserstein distance", "Kantorovich duality"],
    verifiedFrom: `${CUTURI_LINKS}; /work/shared/examples/issue-2026-02-13.md`,
  },
  {
    id: "Bl8ZDN3Dbwk",
    title: "Optimal Transport, part 2",
    speakers: ["Marco Cuturi"],
    venue: "MLSS Tübingen 2020",
    year: 2020,
    summary:
      "Second part of Marco Cuturi's introductory optimal transport lectures at the Machine Learning Summer School: optimal transport and the Wasserstein distance as tools for comparing probability distributions in machine learning.",
    topics: ["optimal transport", "entropic regularization", "Sinkhorn"],
    verifiedFrom: CUTURI_LINKS,
  },
  {
    id: "6iR1E6t1MMQ",
    title: "Optimal Transport, part I (MLSS Africa 2019)",
    speakers: ["Marco Cuturi"],
    venue: "MLSS Africa 2019",
    year: 2019,
    summary:
      "Marco Cuturi's introductory optimal transport lecture at MLSS Africa: optimal transport and the Wasserstein distance between probability distributions, for machine learning.",
    topics: ["optimal transport", "Wasserstein distance"],
    verifiedFrom: CUTURI_LINKS,
  },
  {
    id: "1ZiP_7kmIoc",
    title: "Optimal Transport, part II (MLSS Africa 2019)",
    speakers: ["Marco Cuturi"],
    venue: "MLSS Africa 2019",
    year: 2019,
    summary:
      "Second part of Marco Cuturi's introductory optimal transport lectures at MLSS Africa: optimal transport and Wasserstein distances for machine learning.",
    topics: ["optimal transport", "entropic regularization", "Sinkhorn"],
    verifiedFrom: CUTURI_LINKS,
  },
  {
    id: "G8KsRBWb1PE",
    title: "Optimal Transport for Statistics and Machine Learning",
    speakers: ["Philippe Rigollet"],
    summary:
      "An hour-long talk on optimal transport for statistics and machine learning: the Wasserstein distance between probability distributions and the statistical use of optimal transport.",
    topics: ["optimal transport", "statistics"],
    verifiedFrom: "EvanMisshula/log-concave-sampling:content/pages/ambition.md",
  },
  {
    id: "tS4KBsMOuKs",
    title: "CogSys Talks: Optimal Transport",
    speakers: ["Aude Genevay", "Anton Mallasto", "Jean Feydy"],
    venue: "CogSys Talks",
    year: 2021,
    summary:
      "Three researchers on optimal transport for machine learning: entropy-regularized optimal transport and Sinkhorn divergences, geometric methods for probabilistic modelling, and fast GPU computation of optimal transport for geometric data analysis.",
    topics: ["optimal transport", "entropic regularization", "Sinkhorn"],
    verifiedFrom: "cogsystalks/cogsystalks.github.io:_posts/2020-10-18-optimal-transport.md",
  },
  // Information geometry, Fisher information, natural gradients.
  {
    id: "EauDdCzxphE",
    title: "Optimal Transport and Information Geometry",
    speakers: ["Gabriel Khan"],
    summary:
      "A short talk, from an optimal transport reading group's list, on the connection between optimal transport and information geometry: two geometries on spaces of probability distributions, Wasserstein transport and the Fisher information view.",
    topics: ["information geometry", "optimal transport", "divergences"],
    verifiedFrom: "EvanMisshula/log-concave-sampling:content/pages/ambition.md",
  },
  {
    id: "OW-PeoP111E",
    title: "Revisiting natural gradient for deep networks",
    speakers: [],
    summary:
      "Talk on the paper by Razvan Pascanu and Yoshua Bengio: natural gradient descent corrects the gradient by the Fisher information matrix, the local curvature of the KL divergence, and Hessian-free optimization and Krylov subspace descent can be read as natural gradient methods on the parameter manifold.",
    topics: ["information geometry", "natural gradient", "Fisher information"],
    verifiedFrom: "tttor/ml-foundation:method/optim/natgrad_pascanu_2014.md",
  },
  {
    id: "vEY1ZxDJX8o",
    title: "Structured natural gradient descent",
    speakers: [],
    summary:
      "Talk on structured natural gradient descent (arXiv 2102.07405), a generalized natural-gradient method from information geometry and manifold optimization for machine learning.",
    topics: ["information geometry", "natural gradient", "Fisher information"],
    verifiedFrom: "informationgeometryML/informationgeometryML.github.io:_includes/mainpage.md",
  },
  {
    id: "nu1hT-LExFg",
    title: "Riemannian gradient descent for constrained parameters",
    speakers: [],
    summary:
      "Talk on Riemannian gradient descent (arXiv 2002.10060), a generalized natural-gradient method from information geometry and manifold optimization for machine learning.",
    topics: ["information geometry", "natural gradient", "exponential families"],
    verifiedFrom: "informationgeometryML/informationgeometryML.github.io:_includes/mainpage.md",
  },
  // Flow matching, diffusion and score-based generative models, sampling.
  {
    id: "KxWkA3KBdRI",
    title: "Flow Matching and Diffusion Models — Lecture 1: Generative AI with SDEs",
    speakers: [],
    venue: "MIT 6.S184 An Introduction to Flow and Diffusion Models (IAP 2025)",
    year: 2025,
    summary:
      "First lecture of MIT's course on flow and diffusion models, built from first principles: generative modelling as transporting noise to data with ordinary and stochastic differential equations, velocity fields and probability paths, the mathematical toolbox behind flow matching and diffusion models.",
    topics: ["flow matching", "diffusion models", "stochastic differential equations"],
    verifiedFrom: "sungsoo/sungsoo.github.io:_posts/2025-04-23-introduction-to-flow-and-diffusion-models.md",
  },
  {
    id: "5ZSwYogAxYg",
    title: "Flow Matching: Simplifying and Generalizing Diffusion Models",
    speakers: ["Yaron Lipman"],
    summary:
      "Yaron Lipman (Weizmann Institute, Meta) gives an overview of flow matching for generative modelling: learning velocity fields along probability paths simulation-free, and how flow matching compares with and generalizes diffusion models.",
    topics: ["flow matching", "diffusion models", "generative models"],
    verifiedFrom: "sungsoo/sungsoo.github.io:_posts/2024-09-26-drug-discovery.md",
  },
  {
    id: "wMmqCMwuM2Q",
    title: "Diffusion and Score-Based Generative Models",
    speakers: ["Yang Song"],
    venue: "MIT Brains, Minds and Machines seminar (RES.9-008)",
    year: 2022,
    summary:
      "Yang Song on score-based generative modelling: estimating the score function, the gradient of the log data density, with neural networks; generating samples with stochastic differential equations and MCMC; exact likelihoods; and diffusion models for inverse problems.",
    topics: ["diffusion models", "score matching", "stochastic differential equations"],
    verifiedFrom:
      "umarhassan-mitodl/RES.9-008-fall-2023:content/pages/diffusion-and-score-based-generative-models.md",
  },
  {
    id: "8G-OsDs1RLI",
    title: "Score Based Models",
    speakers: ["Stefano Ermon"],
    venue: "Stanford CS236 Deep Generative Models",
    summary:
      "Stefano Ermon's Stanford deep generative models lecture on score-based models, the score-matching foundation of diffusion models.",
    topics: ["diffusion models", "score matching", "generative models"],
    verifiedFrom: "sungsoo/sungsoo.github.io:_posts/2024-05-08-score-based-models.md",
  },
  {
    id: "sxoxYqXHYVM",
    title: "Log-Concave Sampling",
    speakers: ["Sinho Chewi"],
    summary:
      "A short talk on log-concave sampling, listed by an optimal transport reading group: sampling from log-concave probability distributions and its ties to optimal transport.",
    topics: ["sampling", "Langevin dynamics", "Wasserstein gradient flows"],
    verifiedFrom: "EvanMisshula/log-concave-sampling:content/pages/ambition.md",
  },
  // Attention and transformers.
  {
    id: "XfpMkf4rD6E",
    title: "Introduction to Transformers",
    speakers: ["Andrej Karpathy"],
    venue: "Stanford Online",
    summary:
      "Andrej Karpathy's Stanford introduction to transformers and the attention mechanism, the architecture behind GPT-style language models.",
    topics: ["attention", "transformers"],
    verifiedFrom: "DavidJedeikin/attention:README.md",
  },
  {
    id: "kCc8FmEb1nY",
    title: "Let's build GPT: from scratch, in code, spelled out",
    speakers: ["Andrej Karpathy"],
    venue: "Andrej Karpathy (Neural Networks: Zero to Hero)",
    summary:
      "Builds a generatively pretrained transformer from first principles, following Attention Is All You Need: scaled dot-product self-attention, multi-head attention, residual transformer blocks and a character-level language model.",
    topics: ["attention", "transformers"],
    verifiedFrom: "DavidJedeikin/attention:README.md",
  },
  {
    id: "fEVyfT-gLqQ",
    title: "Attention and Transformers",
    speakers: ["Alfredo Canziani"],
    summary:
      "Alfredo Canziani's class on attention and transformers: self-attention, the attention mechanism and the transformer architecture.",
    topics: ["attention", "transformers"],
    verifiedFrom: "iriacardiel/playAttention:README.md",
  },
  {
    id: "EixI6t5oif0",
    title: "Transformers with Lucas Beyer, Google Brain",
    speakers: ["Lucas Beyer"],
    summary: "Lucas Beyer (Google Brain) on transformers and the attention mechanism.",
    topics: ["attention", "transformers"],
    verifiedFrom: "berstearns/obsidian-notes:transformers.md",
  },
  // Stochastic calculus (MIT 18.S096).
  {
    id: "PPl-7_RL0Ko",
    title: "Lecture 17: Stochastic Processes II",
    speakers: ["Choongbum Lee"],
    venue: MIT_18S096,
    year: 2013,
    summary:
      "Continuous-time stochastic processes for finance: standard Brownian motion, how it arises from the simple random walk, and its properties, the groundwork for stochastic calculus.",
    topics: ["stochastic calculus", "Brownian motion", "quantitative finance"],
    verifiedFrom: `${OCW_18S096}/lecture-17-stochastic-processes-ii.md`,
  },
  {
    id: "Z5yRMMVUC5w",
    title: "Lecture 18: Itō Calculus",
    speakers: ["Choongbum Lee"],
    venue: MIT_18S096,
    year: 2013,
    summary:
      "The theory behind Itō calculus: quadratic variation of Brownian motion, Itō's lemma and its second-order correction term, and Itō integrals and stochastic processes used in finance.",
    topics: ["stochastic calculus", "Itô's lemma", "quantitative finance"],
    verifiedFrom: `${OCW_18S096}/lecture-18-ito-calculus.md`,
  },
  {
    id: "eG_aRPy1KVE",
    title: "Lecture 20: Option Price and Probability Duality",
    speakers: ["Stephen Blythe"],
    venue: MIT_18S096,
    year: 2013,
    summary:
      "Guest lecture by Stephen Blythe (Harvard) on the duality between option prices and probability in quantitative finance.",
    topics: ["duality", "option pricing", "quantitative finance"],
    verifiedFrom: `${OCW_18S096}/lecture-20-option-price-and-probability-duality.md`,
  },
  {
    id: "qdbkvD4N-us",
    title: "Lecture 21: Stochastic Differential Equations",
    speakers: ["Choongbum Lee"],
    venue: MIT_18S096,
    year: 2013,
    summary:
      "Stochastic differential equations linking probability theory with ordinary and partial differential equations: existence and uniqueness of solutions, solving SDEs with Itô calculus, and the connection to PDEs used in finance.",
    topics: ["stochastic calculus", "stochastic differential equations", "quantitative finance"],
    verifiedFrom: `${OCW_18S096}/lecture-21-stochastic-differential-equations.md`,
  },
  // Market microstructure and stochastic control.
  {
    id: "0iomaB9u2L8",
    title: "The High-Frequency Trading Arms Race",
    speakers: ["Eric Budish"],
    venue: "Chicago Booth",
    year: 2015,
    summary:
      "Market microstructure of high-frequency trading: the continuous limit order book creates a latency arms race, competition for queue priority is a negative-sum game, and frequent batch auctions are proposed as a market design fix.",
    topics: ["market microstructure", "high-frequency trading", "limit order book"],
    verifiedFrom: "eavesjames/ternqed-website:content/resources/videos.md",
  },
  {
    id: "-hO-AnFYm6M",
    title: "Nonlinear Control: Hamilton Jacobi Bellman (HJB) and Dynamic Programming",
    speakers: ["Steven Brunton"],
    summary:
      "Nonlinear optimal control through the Hamilton-Jacobi-Bellman (HJB) equation and dynamic programming, from Steven Brunton's control and reinforcement learning series.",
    topics: ["optimal control", "HJB equation", "dynamic programming"],
    verifiedFrom: "AnchorageBot/PythonProjects:HJB/readme.md",
  },
];

/**
 * The library as candidates: `youtube:<id>`, kind "video", source "youtube". They are evergreen,
 * so the daily pool carries them every day and the reader's seen set keeps each from repeating.
 */
export function talkLibraryCandidates(): Candidate[] {
  return talkLibrary.map((talk) => {
    const signals: Signals = {};
    if (talk.venue !== undefined) signals.channel = talk.venue;
    if (talk.durationSeconds !== undefined) signals.durationSeconds = talk.durationSeconds;
    const candidate: Candidate = {
      id: `youtube:${talk.id}`,
      kind: "video",
      title: talk.title,
      summary: talk.summary,
      url: `https://www.youtube.com/watch?v=${talk.id}`,
      authors: [...talk.speakers],
      categories: [...talk.topics],
      aliases: [],
      sources: ["youtube"],
      signals,
    };
    // Only the year is known: an ISO 8601 year, so no month is implied where the talk is shown.
    if (talk.year !== undefined) candidate.published = String(talk.year);
    return candidate;
  });
}
