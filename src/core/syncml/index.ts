export * from './message.ts';
export { readSyncML, localName } from './read.ts';
export { writeSyncML, writeCommand, writeHeader, writeItem, writeMeta } from './write.ts';
export * from './build.ts';
export * from './meta.ts';
export * from './status-codes.ts';
export * from './alert-codes.ts';
export { SyncMLError } from './errors.ts';
export type { SyncMLErrorCode } from './errors.ts';
