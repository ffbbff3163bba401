/**
 * A products.csv price as sellers write it: an amount with an optional currency before or after it
 * (`¥129`, `$19.99`, `19,99 €`, `1.299,00 €`, `CNY 129`, `129元`), read as the amount plus the currency as
 * written. Only what cannot be misread is accepted:
 *   - digits with a dot, as before: `59.90`, `.5`, `1299`; a dot is a decimal point;
 *   - a decimal comma with one or two decimals: `19,99`, `1,5`;
 *   - thousands separators together with the other decimal mark (`1,299.00`, `1.299,00`), in two or more groups
 *     (`1,299,000`, `1.299.000`), or as a space or an apostrophe (`1 299,00`, `1'299.00`);
 *   - refused as ambiguous: one comma before exactly three digits (`1,299`: 1299 in English, 1.299 in German),
 *     and, once a currency is written, one dot before exactly three digits (`1.299 €`): a seller who writes the
 *     currency writes the local convention, and for `€` that is the thousands dot.
 * The currency is a currency sign (`$ € £ ¥ ₹ ₩ …`), a sign with a country prefix (`US$`, `HK$`, `R$`), a
 * three-letter code (`USD`, `CNY`, `RMB`) or 元 / 円. It is kept as written (`¥` is both yuan and yen).
 */

export interface Price {
  amount: number;
  /** As written in the cell, e.g. "¥", "US$", "EUR", "元"; null when the cell had only the amount. */
  currency: string | null;
}

export type PriceReading = { ok: true; price: Price } | { ok: false; problem: string };

const CURRENCY = String.raw`(?:\p{Sc}|[A-Z]{1,3}\$|[A-Z]{3}|元|円)`;
const CURRENCY_FIRST = new RegExp(String.raw`^(${CURRENCY})\s*(.*)$`, 'u');
const CURRENCY_LAST = new RegExp(String.raw`^(.*?)\s*(${CURRENCY})$`, 'u');
const MINUS_AFTER_CURRENCY = new RegExp(String.raw`^(${CURRENCY})\s*-\s*(?=\d)`, 'u');

const HOW_TO_WRITE = 'write the amount with a dot for decimals (e.g. 1299.00), optionally with a currency (¥129, $19.99, 19,99 €, 1.299,00 €)';

/** Reads a non-empty, trimmed price cell. */
export function readPrice(cell: string): PriceReading {
  // "-5", "-$5" and "$-5" are all negative prices; anything else after the minus is simply not a price.
  const unsigned = cell.replace(/^-\s*/, '').replace(MINUS_AFTER_CURRENCY, '$1');
  if (unsigned !== cell) {
    const reading = readPrice(unsigned);
    return reading.ok ? { ok: false, problem: 'is negative' } : reading;
  }
  const { amountText, currency } = splitCurrency(cell);
  const amount = readAmount(amountText.replace(/^\+/, ''), currency !== null);
  if (typeof amount === 'string') return { ok: false, problem: amount };
  if (!Number.isFinite(amount)) return { ok: false, problem: 'is too large' };
  return { ok: true, price: { amount, currency } };
}

function splitCurrency(cell: string): { amountText: string; currency: string | null } {
  const first = CURRENCY_FIRST.exec(cell);
  if (first && /\d/.test(first[2])) return { currency: first[1], amountText: first[2] };
  const last = CURRENCY_LAST.exec(cell);
  if (last && /\d/.test(last[1])) return { currency: last[2], amountText: last[1] };
  return { currency: null, amountText: cell };
}

/** The amount, or why it is refused. */
function readAmount(text: string, withCurrency: boolean): number | string {
  // Digits with an optional dot: the format hitline has always read.
  if (/^(\d+(\.\d*)?|\.\d+)$/.test(text)) {
    if (withCurrency && /^[1-9]\d{0,2}\.\d{3}$/.test(text)) return ambiguous(text, '.');
    return Number(text);
  }
  // A decimal comma: 19,99.
  if (/^\d+,\d{1,2}$/.test(text)) return Number(text.replace(',', '.'));
  if (/^[1-9]\d{0,2},\d{3}$/.test(text)) return ambiguous(text, ',');
  // Thousands groups, with the other mark (or none) for decimals.
  const grouped = /^(\d{1,3})((?:([,.\u0020\u00a0\u202f'’])\d{3})+)(?:([.,])(\d+))?$/u.exec(text);
  if (grouped) {
    const [, head, groups, separator, decimalMark, decimals] = grouped;
    const sameSeparator = groups.split(/\d{3}/u).filter(Boolean).every((s) => s === separator);
    if (sameSeparator && decimalMark !== separator) return Number(`${head}${groups.replace(/\D/gu, '')}${decimals ? `.${decimals}` : ''}`);
  }
  return `is not a price hitline can read: ${HOW_TO_WRITE}`;
}

function ambiguous(text: string, mark: ',' | '.'): string {
  const [whole, part] = text.split(mark);
  return (
    `is ambiguous: the ${mark === ',' ? 'comma' : 'dot'} could separate thousands (${whole}${part}) or decimals (${whole}.${part}); ` +
    `write ${whole}${part} or ${whole}${part}.00 for the first, ${whole}.${part.replace(/0+$/, '') || '0'} without a currency for the second`
  );
}
