/** Where "differs from the background" begins: Otsu's threshold over background distances, with a noise floor. */
import type { BackgroundModel } from './background-model.js';

/**
 * Otsu's threshold over values in 0..maxValue (256 bins): the cut that maximises between-class variance.
 * Also returns the separability (between-class / total variance, 0..1).
 */
export function otsuThreshold(values: ArrayLike<number>, maxValue = 442): { threshold: number; separability: number } {
  const bins = 256;
  const hist = new Float64Array(bins);
  const scale = (bins - 1) / maxValue;
  let total = 0;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < values.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.round(values[i] * scale)));
    hist[b]++;
    total++;
    sum += b;
    sumSq += b * b;
  }
  const mean = sum / total;
  const totalVar = sumSq / total - mean * mean;
  let wB = 0;
  let sumB = 0;
  let best = 0;
  let bestVar = -1;
  for (let t = 0; t < bins; t++) {
    wB += hist[t];
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += t * hist[t];
    const mB = sumB / wB;
    const mF = (sum - sumB) / wF;
    const between = (wB / total) * (wF / total) * (mB - mF) ** 2;
    if (between > bestVar) [best, bestVar] = [t, between];
  }
  return { threshold: (best + 0.5) / scale, separability: totalVar > 0 ? Math.max(0, bestVar) / totalVar : 0 };
}

/** Lowest distance from the background that counts as subject, whatever Otsu says. */
export function subjectThresholdFloor(model: Pick<BackgroundModel, 'noise'>): number {
  return Math.max(20, 3 * model.noise);
}
