import sharp from 'sharp';

/** A JPEG thumbnail (EXIF orientation applied) that fits inside size×size, as a data URI for self-contained HTML. */
export async function thumbnailDataUri(input: Buffer | string, size = 360): Promise<string> {
  const jpeg = await sharp(input, { limitInputPixels: 200_000_000 })
    .rotate()
    .resize(size, size, { fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: 78 })
    .toBuffer();
  return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
}
