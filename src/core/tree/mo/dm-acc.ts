import { ALL_ACCESS, DYNAMIC, GET_ONLY, NO_GET, ext, interior, leaf, type MoDescription } from './ddf.ts';

const one = { occurrence: 'One' } as const;

/**
 * DMAcc, DM 1.2 layout [STD, urn:oma:mo:oma-dm-dmacc:1.0; oma-dm.md §13]. One `<x>` per DM server.
 * AAuthSecret and AAuthData have no Get.
 */
export const DM_ACC: MoDescription = {
  name: 'DMAcc',
  id: 'urn:oma:mo:oma-dm-dmacc:1.0',
  root: './DMAcc',
  idSource: 'published',
  source: 'OMA-TS-DM_StdObj-V1_2_1 DMAcc (spec/oma-dm.md §13, oma-cp.md §5)',
  ddf: interior(
    'DMAcc',
    'DM server accounts.',
    [
      interior(
        DYNAMIC,
        'One DM server account.',
        [
          leaf('AppID', 'Application id, w7.', { ...one, defaultValue: 'w7' }),
          leaf('ServerID', 'Server identifier, used in ACLs and the package-0 digest.', one),
          leaf('Name', 'Display name.'),
          leaf('PrefConRef', 'Preferred connectivity reference.'),
          interior('ToConRef', 'Connectivity references.', [
            interior(DYNAMIC, 'One reference.', [leaf('ConRef', 'Connectivity reference.', one)], {
              occurrence: 'OneOrMore',
            }),
          ]),
          interior(
            'AppAddr',
            'Server addresses.',
            [
              interior(
                DYNAMIC,
                'One address.',
                [
                  leaf('Addr', 'Server address (URL).', one),
                  leaf('AddrType', 'URI (default), IPv4 or IPv6.', { ...one, defaultValue: 'URI' }),
                  interior('Port', 'Ports.', [
                    interior(DYNAMIC, 'One port.', [leaf('PortNbr', 'Port number, decimal uint16.', one)], {
                      occurrence: 'OneOrMore',
                    }),
                  ]),
                ],
                { occurrence: 'OneOrMore' },
              ),
            ],
            one,
          ),
          leaf('AAuthPref', 'Preferred AAuthType.'),
          interior('AppAuth', 'Credentials.', [
            interior(
              DYNAMIC,
              'One set of credentials.',
              [
                leaf('AAuthLevel', 'CLCRED, SRVCRED, OBEX or HTTP.', one),
                leaf('AAuthType', 'HTTP-BASIC, HTTP-DIGEST, BASIC, DIGEST, HMAC, X509 …', one),
                leaf('AAuthName', 'User or server name.'),
                leaf('AAuthSecret', 'Password; never returned by Get.', { access: NO_GET, secret: true }),
                leaf('AAuthData', 'Nonce; never returned by Get.', {
                  access: NO_GET,
                  secret: true,
                  format: 'bin',
                  type: 'application/octet-stream',
                }),
              ],
              { occurrence: 'OneOrMore' },
            ),
          ]),
          ext(),
        ],
        { occurrence: 'OneOrMore', access: ALL_ACCESS },
      ),
    ],
    { scope: 'permanent', occurrence: 'One', access: GET_ONLY, type: 'urn:oma:mo:oma-dm-dmacc:1.0' },
  ),
};
