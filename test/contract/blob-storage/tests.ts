/**
 * Every test of the BlobStorage contract, by title: what an adapter's runner names in a declared skip
 * (contract-kit.ts). The suite fails when a listed test is not defined.
 */
export const BLOB_STORAGE_TESTS = [
  // blobs.ts
  'round-trips binary bytes: every byte value, an empty blob and a 5 MiB blob',
  'overwrites a key: a read returns the whole new blob',
  'answers a missing key with undefined from get and false from has',
  'lists every key under a prefix and no other, across more than 1,000 keys',
  'lists a key beside a "folder" of the same name (many.bin and many/)',
  'deletes a key, and deleting a missing key is no error',
  'leaves one whole blob when puts of the same key race',
  // faults.ts
  'refuses bad keys and prefixes before any I/O',
  'check() passes on a working storage and leaves nothing behind',
  'check() fails with a hint on a storage it cannot use',
] as const;

export type BlobStorageTest = (typeof BLOB_STORAGE_TESTS)[number];
