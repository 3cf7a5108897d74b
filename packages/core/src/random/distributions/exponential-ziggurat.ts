import type { Rng } from '../rng.js';

/**
 * Marsaglia and Tsang's ziggurat for the standard exponential ("The Ziggurat Method for Generating Random
 * Variables", J. Stat. Softw. 5(8), 2000): the density under 256 stacked layers of equal area, layer 0 the
 * base strip with the tail beyond {@link R}. A draw picks a layer and a point in it from one 32-bit word;
 * 97.8% of points fall where the layer lies wholly under the curve and are the sample as they are.
 * The inverse transform it replaces took a 53-bit uniform (two words) and a `log1p` per draw, the
 * simulator's costliest primitive after its event queue. The method is exact: the rest of the draws go
 * to the wedge test or to the tail, which is sampled exactly (memorylessness: `R` plus a fresh draw).
 *
 * A word's low 8 bits pick the layer and its high 24 bits the point, so the two are independent (the
 * paper's version reuses the index bits in the point). Points are then on a grid of 2^-24 of their layer's
 * width: 5.2e-7 of the mean in the base layer, the widest, far below what a simulated time resolves.
 */
const LAYERS = 256;
/** Where the tail starts, and the layers' common area ({@link LAYERS} layers cover the whole density). */
const R = 7.69711747013105;
const AREA = 0.003949659822581557;
/** Points per layer: a 24-bit position. */
const POINTS = 2 ** 24;

/** Position below which layer i's point lies under the curve for sure (its upper neighbour's right edge). */
const inside = new Uint32Array(LAYERS);
/** Layer i's width ÷ {@link POINTS}: a position times this is the point's x. */
const scale = new Float64Array(LAYERS);
/** e^(−x) at layer i's right edge: the wedge test's vertical bounds. */
const density = new Float64Array(LAYERS);

// The layers from the base up: each one's right edge x_i solves x_(i+1) · (e^(−x_i) − e^(−x_(i+1))) = AREA.
{
  let edge = R;
  const baseWidth = AREA / Math.exp(-R); // the base strip: a rectangle of the layers' area, tail included
  inside[0] = Math.floor((R / baseWidth) * POINTS);
  scale[0] = baseWidth / POINTS;
  scale[LAYERS - 1] = R / POINTS;
  density[0] = 1;
  density[LAYERS - 1] = Math.exp(-R);
  for (let i = LAYERS - 2; i >= 1; i--) {
    const lower = edge;
    edge = -Math.log(AREA / lower + Math.exp(-lower));
    inside[i + 1] = Math.floor((edge / lower) * POINTS);
    scale[i] = edge / POINTS;
    density[i] = Math.exp(-edge);
  }
  inside[1] = 0; // the top layer reaches x = 0 at density 1: every point goes to the wedge test
}

/**
 * One draw of the standard exponential (mean 1). Values are ≥ 0 and finite; beyond 7.7 they come from the
 * tail's inverse transform, at most about 44.4.
 *
 * @example
 * ```ts
 * const gapMs = meanMs * standardExponential(rng);
 * ```
 */
export function standardExponential(rng: Rng): number {
  const word = rng.nextUint32();
  const layer = word & (LAYERS - 1);
  const position = word >>> 8;
  if (position < (inside[layer] as number)) return position * (scale[layer] as number);
  return outsideCore(rng, layer, position);
}

/**
 * The rare draws: the tail, or a point in a layer's wedge, accepted under the curve or else drawn again
 * from the start. The redraw recurses: it is needed for about one draw in a hundred, so a depth of ten
 * comes about once in 10^20 draws.
 */
function outsideCore(rng: Rng, layer: number, position: number): number {
  // 1 − u in (0, 1]: log1p(−u) never reaches ln 0.
  if (layer === 0) return R - Math.log1p(-rng.next());
  const x = position * (scale[layer] as number);
  const below = density[layer] as number;
  const y = below + rng.next() * ((density[layer - 1] as number) - below);
  return y < Math.exp(-x) ? x : standardExponential(rng);
}
