/** A box as fractions of an image's width and height (0–1), so it holds at any pixel size. */
export interface FractionBox {
  x: number;
  y: number;
  width: number;
  height: number;
}
