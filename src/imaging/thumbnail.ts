import sharp from 'sharp';

/** A JPEG thumbnail (EXIF orientation applied, alpha on white) that fits inside size×size, never enlarged. */
export async function thumbnailJpeg(input: Buffer | string, size = 360): Promise<Buffer> {
  return sharp(input, { limitInputPixels: 200_000_000 })
    .rotate()
    .resize(size, size, { fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: 78 })
    .toBuffer();
}
