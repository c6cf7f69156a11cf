import { GET_ONLY, interior, leaf, type MoDescription } from './ddf.ts';

const ro = { access: GET_ONLY, scope: 'permanent', occurrence: 'One' } as const;

/** DevInfo [STD; oma-dm.md §13]: sent in every package 1. Permanent and read-only. */
export const DEV_INFO: MoDescription = {
  name: 'DevInfo',
  id: 'urn:oma:mo:oma-dm-devinfo:1.0',
  root: './DevInfo',
  idSource: 'published',
  source: 'OMA-TS-DM_StdObj-V1_2_1 DevInfo (spec/oma-dm.md §13)',
  ddf: interior(
    'DevInfo',
    'Device information sent to the server in package 1.',
    [
      leaf('DevId', 'Globally unique device id, IMEI:<imei>.', ro),
      leaf('Man', 'Manufacturer.', ro),
      leaf('Mod', 'Model.', ro),
      leaf('DmV', 'DM client version.', { ...ro, defaultValue: '1.2' }),
      leaf('Lang', 'Current language, RFC 1766.', ro),
      interior('Ext', 'Vendor extensions.', [], { ...ro, occurrence: 'ZeroOrOne', open: true }),
    ],
    { ...ro, type: 'urn:oma:mo:oma-dm-devinfo:1.0' },
  ),
};
