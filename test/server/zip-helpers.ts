/** Zips for tests: read a zip answer's entries (yauzl), and build zips with hostile entries (yazl, then patched). */
import yauzl from 'yauzl';
import yazl from 'yazl';

export async function zipEntries(bytes: Buffer): Promise<Map<string, Buffer>> {
  const zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true });
  const out = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', async (entry: yauzl.Entry) => {
      const stream = await zip.openReadStreamPromise(entry);
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      out.set(entry.fileName, Buffer.concat(chunks));
      zip.readEntry();
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  return out;
}

export interface ZipItem {
  name: string;
  data: Buffer;
  /** Unix mode, e.g. 0o120777 for a symbolic link. */
  mode?: number;
}

/**
 * A zip with these entries. yazl refuses names with `..` or a leading `/`, so such names are written with
 * a same-length placeholder and patched into the bytes afterwards (local header and central directory).
 */
export async function makeZip(items: ZipItem[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const patches: Array<[string, string]> = [];
  items.forEach((item, i) => {
    const hostile = item.name.includes('..') || item.name.startsWith('/') || /^[A-Za-z]:/.test(item.name);
    const placeholder = hostile ? `p${String(i).padStart(item.name.length - 1, 'x')}`.slice(0, item.name.length) : item.name;
    if (hostile) patches.push([placeholder, item.name]);
    zip.addBuffer(item.data, placeholder, item.mode ? { mode: item.mode } : {});
  });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  let bytes = Buffer.concat(chunks);
  for (const [from, to] of patches) bytes = Buffer.from(bytes.toString('latin1').split(from).join(to), 'latin1');
  return bytes;
}
