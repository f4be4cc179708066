/**
 * Seeded sample problems: the same numbers in the page, the worker, the tests and the benchmark.
 */
import type { AttentionProblem } from "./attention.ts";
import type { PointCloudProblem } from "./problem.ts";

/** mulberry32: a small, fast, seedable PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples from a uniform source (Box–Muller). */
export function gaussian(random: () => number): () => number {
  return () => {
    const u = 1 - random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
}

function sortByFirstCoordinate(points: Float64Array, count: number, d: number): Float64Array {
  const order = [...Array(count).keys()].sort((i, j) => (points[i * d] ?? 0) - (points[j * d] ?? 0));
  const out = new Float64Array(count * d);
  order.forEach((src, dst) => {
    out.set(points.subarray(src * d, src * d + d), dst * d);
  });
  return out;
}

/**
 * x: n points uniform in the unit cube; y: m points from two Gaussian blobs (σ = 0.08) at 0.3 and 0.7 along the
 * first axis, centred elsewhere. Both sorted by their first coordinate, so the plan shows as a band.
 */
export function sampleClouds(n: number, m: number, d: number, seed = 1): PointCloudProblem {
  const random = seededRandom(seed);
  const normal = gaussian(random);
  const x = Float64Array.from({ length: n * d }, random);
  const y = new Float64Array(m * d);
  for (let j = 0; j < m; j++) {
    const blob = random() < 0.5 ? 0.3 : 0.7;
    for (let k = 0; k < d; k++) y[j * d + k] = (k === 0 ? blob : 0.5) + 0.08 * normal();
  }
  return { n, m, d, x: sortByFirstCoordinate(x, n, d), y: sortByFirstCoordinate(y, m, d) };
}

/** Q, K, V with independent standard normal entries (scores q·k/√d then have unit variance). */
export function sampleAttention(n: number, m: number, d: number, dv: number, seed = 1): AttentionProblem {
  const normal = gaussian(seededRandom(seed));
  return {
    n,
    m,
    d,
    dv,
    q: Float64Array.from({ length: n * d }, normal),
    k: Float64Array.from({ length: m * d }, normal),
    v: Float64Array.from({ length: m * dv }, normal),
  };
}
