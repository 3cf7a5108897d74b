/**
 * Student's t distribution for whole degrees of freedom, in closed form: no table to run out of and no
 * series to truncate. Confidence intervals over seeds need only integer degrees of freedom (seeds − 1).
 */

/**
 * P(|T| ≤ t) for T with `df` degrees of freedom, written with θ = atan(t / √df) (Abramowitz & Stegun
 * 26.7.3–4: a finite sum of powers of cos θ, exact for every integer df).
 *
 * @throws RangeError naming the value when `df` is not a positive integer.
 *
 * @example
 * ```ts
 * studentTwoSidedProbability(1, 1); // 0.5 (the Cauchy distribution's quartiles are ±1)
 * studentTwoSidedProbability(2.2622, 9); // 0.95
 * ```
 */
export function studentTwoSidedProbability(t: number, df: number): number {
  checkDegrees(df);
  if (t === Number.POSITIVE_INFINITY) return 1;
  const theta = Math.atan(Math.abs(t) / Math.sqrt(df));
  return centralMass(theta, df);
}

function centralMass(theta: number, df: number): number {
  const sin = Math.sin(theta);
  const cos2 = Math.cos(theta) ** 2;
  if (df % 2 === 1) {
    // Odd: (2/π)[θ + sin θ (cos θ + (2/3)cos³θ + … + (2·4⋯(df−3))/(3·5⋯(df−2)) cos^(df−2) θ)].
    let term = Math.cos(theta);
    let sum = df > 1 ? term : 0;
    for (let k = 3; k <= df - 2; k += 2) {
      term *= (cos2 * (k - 1)) / k;
      sum += term;
    }
    return (2 / Math.PI) * (theta + sin * sum);
  }
  // Even: sin θ (1 + (1/2)cos²θ + (1·3)/(2·4)cos⁴θ + … + (1·3⋯(df−3))/(2·4⋯(df−2)) cos^(df−2) θ).
  let term = 1;
  let sum = 1;
  for (let k = 2; k <= df - 2; k += 2) {
    term *= (cos2 * (k - 1)) / k;
    sum += term;
  }
  return sin * sum;
}

/**
 * The two-sided critical value: the `t` with P(|T| ≤ t) = `level` for `df` degrees of freedom (for a 95%
 * interval, `level` 0.95 gives the 0.975 quantile). Found by bisection on θ = atan(t / √df), where the
 * probability is monotone on (0, π/2): 200 halvings reach the resolution of a double.
 *
 * @throws RangeError naming the value when `df` is not a positive integer or `level` is not in (0, 1).
 *
 * @example
 * ```ts
 * studentCriticalValue(0.95, 9); // 2.2622 (10 seeds)
 * studentCriticalValue(0.95, 1); // 12.706
 * ```
 */
export function studentCriticalValue(level: number, df: number): number {
  checkDegrees(df);
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  let low = 0;
  let high = Math.PI / 2;
  for (let i = 0; i < 200 && high - low > 0; i++) {
    const mid = (low + high) / 2;
    if (mid === low || mid === high) break;
    if (centralMass(mid, df) < level) low = mid;
    else high = mid;
  }
  return Math.sqrt(df) * Math.tan((low + high) / 2);
}

function checkDegrees(df: number): void {
  if (!Number.isSafeInteger(df) || df < 1)
    throw new RangeError(`degrees of freedom must be a positive integer, got ${df}`);
}
