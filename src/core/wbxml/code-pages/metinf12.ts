/**
 * SyncML MetInf 1.2, code page 1 of SyncML 1.2 (namespace `syncml:metinf`).
 *
 * Source: libwbxml `src/wbxml_tables.c` `sv_syncml_metinf12_tag_table` (commit ebeb80d6),
 * identical to the SyncML reference toolkit `xlttags.c`; transcribed in /work/shared/spec/wbxml.md §5.2.
 */
import { tagPage, type TagRow } from './types.ts';

export const METINF12_TAGS: readonly TagRow[] = tagPage(1, [
  [0x05, 'Anchor'],
  [0x06, 'EMI'],
  [0x07, 'Format'],
  [0x08, 'FreeID'],
  [0x09, 'FreeMem'],
  [0x0a, 'Last'],
  [0x0b, 'Mark'],
  [0x0c, 'MaxMsgSize'],
  [0x0d, 'Mem'],
  [0x0e, 'MetInf'],
  [0x0f, 'Next'],
  [0x10, 'NextNonce'],
  [0x11, 'SharedMem'],
  [0x12, 'Size'],
  [0x13, 'Type'],
  [0x14, 'Version'],
  [0x15, 'MaxObjSize'],
  [0x16, 'FieldLevel'],
]);
