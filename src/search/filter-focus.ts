/**
 * How much the filter has already decided what kind of article a new product's hits are, so that the
 * seller's words, not the photo, should decide which of them come first.
 *
 * With `category` = gender the filter keeps half the catalog and the image legs find the article (a
 * T-shirt photo's neighbours are T-shirts); the hint's "Blue" is a weak clue there, and a strong colour or
 * keyword leg drags in blue jeans. With `category` = article type (the tutorial's `midi_dress`) the filter
 * keeps a few percent of the catalog, every candidate is already the right kind of article, the image legs
 * cannot tell a blue one from a red one (the offline embedder's dense leg finds the hint's colour in a
 * quarter of its first five), and the seller's colour word is what is left to decide.
 *
 * focus = narrowness × agreement, each rising linearly between two bounds:
 * - narrowness: the share of rows the category keeps (of the rows the rest of the filter keeps):
 *   1 at or below `narrowTo`, 0 at or above `narrowFrom`;
 * - agreement: the largest share of candidates (the dense hits) holding one same description word (other
 *   than their own category, colour, style and season): a narrow category of one kind of article ("Watch")
 *   agrees, a narrow one of many kinds ("Unisex": watches, bags, flip-flops) does not. 0 at `agreeFrom`,
 *   1 at `agreeTo`.
 * When the seller's words name the colour of some candidate, the colour leg's and the keyword leg's weights
 * are raised to at least `boost` × focus (fuse-match.ts). The five numbers were chosen on the tune half of
 * bench/retrieval-flow.ts: the most article-type precision that kept each gender flow within 0.005 P@5.
 */
import { descriptionWords, type CandidateFields } from './candidate-legs.js';
import { ramp } from './ramp.js';

export interface FocusCurve {
  narrowFrom: number;
  narrowTo: number;
  agreeFrom: number;
  agreeTo: number;
}

export const FOCUS_CURVE: FocusCurve = { narrowFrom: 0.3, narrowTo: 0.1, agreeFrom: 0.5, agreeTo: 0.7 };

export interface FilterFocus {
  /** Share of rows the category keeps; null when the caller did not count it (focus is then 0). */
  categoryShare: number | null;
  /** Largest share of candidates holding one description word. */
  agreement: number;
  /** narrowness × agreement, in [0, 1]. */
  focus: number;
}

/** `candidates` are the dense hits; `categoryShare` as counted by the store (match.ts). */
export function filterFocus(candidates: readonly CandidateFields[], categoryShare: number | null, curve: FocusCurve = FOCUS_CURVE): FilterFocus {
  const agreement = largestWordShare(candidates);
  if (categoryShare === null) return { categoryShare, agreement, focus: 0 };
  const narrowness = ramp(curve.narrowFrom - categoryShare, curve.narrowFrom - curve.narrowTo);
  return { categoryShare, agreement, focus: narrowness * ramp(agreement - curve.agreeFrom, curve.agreeTo - curve.agreeFrom) };
}

function largestWordShare(candidates: readonly CandidateFields[]): number {
  if (candidates.length === 0) return 0;
  const holders = new Map<string, number>();
  let most = 0;
  for (const c of candidates) {
    for (const w of descriptionWords(c)) {
      const n = (holders.get(w) ?? 0) + 1;
      holders.set(w, n);
      if (n > most) most = n;
    }
  }
  return most / candidates.length;
}
