/** A best-selling ("hit") product from the seller's catalog (one row of products.csv). */
export interface HitProduct {
  productId: string;
  /** As written in the CSV, relative to the images folder. */
  imagePath: string;
  category: string;
  color: string;
  style: string;
  season: string;
  salesCount: number;
  description: string;
  /** null when the CSV left it empty. */
  price: number | null;
  /** Extra CSV columns, kept as they are. */
  attributes: Record<string, string>;
}

/** A new product to make promo images for (one row of new_products.csv). */
export interface NewProduct {
  newId: string;
  imagePath: string;
  category: string;
  style: string;
  season: string;
  promptHint: string;
  attributes: Record<string, string>;
}

/** An image file that was read, checked and normalised (EXIF orientation applied). */
export interface LoadedImage {
  /** Absolute path on disk. */
  absPath: string;
  /** The file's bytes as they are on disk. */
  bytes: Buffer;
  /** sha256 of the file bytes, hex. */
  contentHash: string;
  /** Pixel size after EXIF orientation. */
  width: number;
  height: number;
  format: 'jpeg' | 'png' | 'webp';
}
