import { DYNAMIC, GET_ONLY, NO_GET, ext, interior, leaf, type DdfNode, type MoDescription } from './ddf.ts';

const one = { occurrence: 'One' } as const;
const many = { occurrence: 'ZeroOrMore' } as const;
const fixed = { scope: 'permanent', occurrence: 'One', access: GET_ONLY } as const;

function port(): DdfNode {
  return interior('Port', 'Ports (CP PORT).', [
    interior(
      DYNAMIC,
      'One port.',
      [leaf('PortNbr', 'PORTNBR.', { ...one, format: 'int' }), leaf('Service', 'SERVICE.')],
      many,
    ),
  ]);
}

/**
 * Connectivity, project layout (decision 0022): CP NAPDEF/NAPAUTHINFO → `NAP/<x>`, modelled on
 * Microsoft's NAP CSP; CP PXLOGICAL/PXAUTHINFO/PXPHYSICAL/PORT → `PX/<x>`, modelled on the CP
 * characteristics themselves [oma-cp.md §1.2, §11]. The OMA ConnMO node names are unconfirmed.
 */
export const CONN: MoDescription = {
  name: 'Conn',
  id: 'org.ota-handset/1.0/Conn',
  root: './Conn',
  idSource: 'project',
  source: 'CP NAPDEF / PXLOGICAL parameters (spec/oma-cp.md §1.2, §11); Microsoft NAP CSP',
  ddf: interior(
    'Conn',
    'Network access points and proxies.',
    [
      interior(
        'NAP',
        'Network access points (CP NAPDEF).',
        [
          interior(
            DYNAMIC,
            'One access point.',
            [
              leaf('NapId', 'NAPID: the id CP TO-NAPID refers to.', one),
              leaf('Name', 'NAME.', one),
              leaf('Addr', 'NAP-ADDRESS, e.g. the APN.', one),
              leaf('AddrType', 'NAP-ADDRTYPE, e.g. APN, E164, IPV4.'),
              leaf('Bearer', 'BEARER, e.g. GSM-GPRS (the first one when CP gives several).'),
              leaf('Internet', 'INTERNET presence parameter.', { format: 'bool' }),
              leaf('LocalAddr', 'LOCAL-ADDR.'),
              leaf('LocalAddrType', 'LOCAL-ADDRTYPE.'),
              leaf('Linger', 'LINGER, seconds.', { format: 'int' }),
              interior('DnsAddr', 'DNS-ADDR values.', [
                interior(DYNAMIC, 'One DNS server.', [leaf('Addr', 'DNS server address.', one)], many),
              ]),
              interior('AuthInfo', 'Credentials (CP NAPAUTHINFO).', [
                interior(
                  DYNAMIC,
                  'One set of credentials.',
                  [
                    leaf('AuthType', 'AUTHTYPE, e.g. PAP, CHAP.', one),
                    leaf('AuthName', 'AUTHNAME.'),
                    leaf('AuthSecret', 'AUTHSECRET; never returned by Get.', {
                      access: NO_GET,
                      secret: true,
                    }),
                    leaf('AuthEntity', 'AUTH-ENTITY.'),
                    leaf('Spi', 'SPI.'),
                  ],
                  many,
                ),
              ]),
              ext(),
            ],
            { ...many, instanceFlags: true },
          ),
        ],
        fixed,
      ),
      interior(
        'PX',
        'Logical proxies (CP PXLOGICAL).',
        [
          interior(
            DYNAMIC,
            'One logical proxy.',
            [
              leaf('ProxyId', 'PROXY-ID: the id CP TO-PROXY refers to.', one),
              leaf('Name', 'NAME.', one),
              leaf('ProxyPw', 'PROXY-PW; never returned by Get.', { access: NO_GET, secret: true }),
              leaf('PpgAuthType', 'PPGAUTH-TYPE.'),
              leaf('ProxyProviderId', 'PROXY-PROVIDER-ID.'),
              leaf('Domain', 'DOMAIN (the first one when CP gives several).'),
              leaf('Trust', 'TRUST presence parameter.', { format: 'bool' }),
              leaf('Master', 'MASTER presence parameter.', { format: 'bool' }),
              leaf('StartPage', 'STARTPAGE.'),
              interior('AuthInfo', 'Proxy credentials (CP PXAUTHINFO).', [
                interior(
                  DYNAMIC,
                  'One set of credentials.',
                  [
                    leaf('AuthType', 'PXAUTH-TYPE.', one),
                    leaf('AuthId', 'PXAUTH-ID.'),
                    leaf('AuthPw', 'PXAUTH-PW; never returned by Get.', { access: NO_GET, secret: true }),
                  ],
                  many,
                ),
              ]),
              port(),
              interior('PxPhysical', 'Physical proxies (CP PXPHYSICAL).', [
                interior(
                  DYNAMIC,
                  'One physical proxy.',
                  [
                    leaf('PhysicalProxyId', 'PHYSICAL-PROXY-ID.', one),
                    leaf('PxAddr', 'PXADDR.', one),
                    leaf('PxAddrType', 'PXADDRTYPE, e.g. IPV4.'),
                    leaf('PxAddrFqdn', 'PXADDR-FQDN.'),
                    leaf('ToNapId', 'TO-NAPID: URI of the ./Conn/NAP/<x> it uses (the first one).'),
                    port(),
                  ],
                  { occurrence: 'OneOrMore' },
                ),
              ]),
              ext(),
            ],
            many,
          ),
        ],
        fixed,
      ),
    ],
    { ...fixed, type: 'org.ota-handset/1.0/Conn' },
  ),
};
