/**
 * At most one paid repair request per product. The style analyzer and the vision checker both send one when
 * an answer is unusable even after normalisation; they share one allowance (compose/adapters.ts gives every
 * adapter of a command the same one), so a product whose brief needed a repair gets none for its vision
 * checks, and a retried analysis does not repair again.
 */
export interface RepairAllowance {
  /** Takes the product's repair if it is still there: true means send it. */
  take(productId: string): boolean;
}

export function createRepairAllowance(perProduct = 1): RepairAllowance {
  const used = new Map<string, number>();
  return {
    take(productId) {
      const count = used.get(productId) ?? 0;
      if (count >= perProduct) return false;
      used.set(productId, count + 1);
      return true;
    },
  };
}
