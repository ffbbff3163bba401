export { FolderStorage } from './folder-storage.js';
export { S3Storage, type S3Credentials, type S3StorageSettings } from './s3-storage.js';
