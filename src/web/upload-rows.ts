/** An upload of new products with its rows as the CLI's reader reads them (for matches and photo thumbnails); `imagePath` made absolute. */
import path from 'node:path';
import { readNewProducts } from '../catalog/read-catalog.js';
import type { NewProduct } from '../core/product.js';
import { notFound } from '../service/errors.js';
import type { TenantContext } from '../service/tenants/tenant-contexts.js';
import { readUpload, type UploadRecord } from '../service/uploads/uploads.js';

export async function newProductsOf(tenant: TenantContext, uploadId: string): Promise<{ upload: UploadRecord & { dir: string }; rows: NewProduct[] }> {
  const upload = await readUpload(tenant.hitline.ws, uploadId);
  if (upload.kind !== 'new-products') throw notFound(`upload ${uploadId}`);
  const read = await readNewProducts(path.join(upload.dir, upload.csvFile), path.join(upload.dir, upload.imagesDir));
  return { upload, rows: read.rows.map((r) => ({ ...r.value, imagePath: r.imageAbsPath })) };
}
