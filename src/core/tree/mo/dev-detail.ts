import { GET_ONLY, interior, leaf, type MoDescription } from './ddf.ts';

const ro = { access: GET_ONLY, scope: 'permanent', occurrence: 'One' } as const;

/** Factory URI limits (decision 0020); 0 would mean unlimited [oma-dm.md §12.1]. */
export const FACTORY_URI_LIMITS = { maxDepth: 16, maxTotLen: 512, maxSegLen: 64 } as const;

/** DevDetail [STD; oma-dm.md §13]. Permanent and read-only. */
export const DEV_DETAIL: MoDescription = {
  name: 'DevDetail',
  id: 'urn:oma:mo:oma-dm-devdetail:1.0',
  root: './DevDetail',
  idSource: 'published',
  source: 'OMA-TS-DM_StdObj-V1_2_1 DevDetail (spec/oma-dm.md §13)',
  ddf: interior(
    'DevDetail',
    'Device details; not sent automatically.',
    [
      interior(
        'URI',
        'Limits on URIs the device accepts.',
        [
          leaf('MaxDepth', 'Maximum number of segments; 0 = unlimited.', {
            ...ro,
            defaultValue: String(FACTORY_URI_LIMITS.maxDepth),
          }),
          leaf('MaxTotLen', 'Maximum total URI length; 0 = unlimited.', {
            ...ro,
            defaultValue: String(FACTORY_URI_LIMITS.maxTotLen),
          }),
          leaf('MaxSegLen', 'Maximum segment length; 0 = unlimited.', {
            ...ro,
            defaultValue: String(FACTORY_URI_LIMITS.maxSegLen),
          }),
        ],
        ro,
      ),
      leaf('DevTyp', 'Device type.', { ...ro, defaultValue: 'phone' }),
      leaf('OEM', 'Original equipment manufacturer.', ro),
      leaf('FwV', 'Firmware version.', { ...ro, defaultValue: '1.0' }),
      leaf('SwV', 'Software version.', { ...ro, defaultValue: '0.1.0' }),
      leaf('HwV', 'Hardware version.', { ...ro, defaultValue: 'emulated' }),
      leaf('LrgObj', 'Large object support.', { ...ro, format: 'bool', defaultValue: 'true' }),
      interior('Ext', 'Vendor extensions.', [], { ...ro, occurrence: 'ZeroOrOne', open: true }),
    ],
    { ...ro, type: 'urn:oma:mo:oma-dm-devdetail:1.0' },
  ),
};
