import { DYNAMIC, GET_ONLY, ext, interior, leaf, type MoDescription } from './ddf.ts';

/**
 * MMS settings, project layout (decision 0022): one `<x>` per set of MMS settings, holding what a
 * CP w4 (or ap0005) APPLICATION carries [oma-cp.md §3]. The OMA MMS MO DDF was not read; its
 * node names and URN are unconfirmed [oma-cp.md §11].
 */
export const MMS: MoDescription = {
  name: 'MMS',
  id: 'org.ota-handset/1.0/MMS',
  root: './MMS',
  idSource: 'project',
  source: 'CP w4 APPLICATION (spec/oma-cp.md §3); cpclient telephony.h flattening',
  ddf: interior(
    'MMS',
    'MMS settings; one instance per provider. Instances carry Active / Default / Locked.',
    [
      interior(
        DYNAMIC,
        'One set of MMS settings.',
        [
          leaf('Name', 'NAME: display name.'),
          leaf('AppId', 'APPID it came from: w4 or ap0005.'),
          leaf('ProviderId', 'PROVIDER-ID.'),
          leaf('Addr', 'ADDR: the MMSC URL.', { occurrence: 'One' }),
          leaf('ToProxy', 'TO-PROXY resolved: URI of the ./Conn/PX/<x> used for MMS.'),
          leaf('ConRef', 'TO-NAPID resolved (directly or through the proxy): URI of the ./Conn/NAP/<x>.'),
          leaf('MaxMsgSize', 'MS: maximum message size in bytes (Microsoft w4 CSP).', { format: 'int' }),
          leaf('CreationMode', 'CM (meaning unconfirmed).'),
          leaf('RetrievalMode', 'RM (meaning unconfirmed).'),
          ext(),
        ],
        { occurrence: 'ZeroOrMore', instanceFlags: true },
      ),
    ],
    { scope: 'permanent', occurrence: 'One', access: GET_ONLY, type: 'org.ota-handset/1.0/MMS' },
  ),
};
