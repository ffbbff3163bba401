export { FolderStorage } from './folder-storage.js';
