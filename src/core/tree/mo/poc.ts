import { DYNAMIC, GET_ONLY, NO_GET, ext, interior, leaf, type MoDescription } from './ddf.ts';

/**
 * Push-to-talk over Cellular settings, project layout (decision 0022). The ap0001 / ap0006 AC
 * documents and the PoC MO DDF were not read [oma-cp.md §2, §4, §11]: every PoC-specific node
 * below is a project choice, built from the generic APPLICATION parameters plus the PoC
 * concepts (conference factory, XDMS/XCAP root, SIP/IMS identity) whose CP names are unknown.
 */
export const POC: MoDescription = {
  name: 'PoC',
  id: 'org.ota-handset/1.0/PoC',
  root: './PoC',
  idSource: 'project',
  source: 'CP APPLICATION ap0001 / ap0006, generic parameters (spec/oma-cp.md §1.3, §2, §4)',
  ddf: interior(
    'PoC',
    'PoC settings; one instance per provider. Instances carry Active / Default / Locked.',
    [
      interior(
        DYNAMIC,
        'One set of PoC settings.',
        [
          leaf('Name', 'NAME: display name.'),
          leaf('AppId', 'APPID it came from: ap0001 (PoC 1.0) or ap0006 (PoC 2.0).'),
          leaf('ProviderId', 'PROVIDER-ID.'),
          leaf('Addr', 'ADDR / APPADDR: the PoC server (SIP proxy) address.'),
          leaf('ConfFactoryUri', 'Conference factory URI (name of the CP parameter unconfirmed).'),
          leaf('XdmsRootUri', 'XDMS / XCAP root URI (name of the CP parameter unconfirmed).'),
          leaf('PublicUserId', 'The user’s SIP URI / IMS public identity.'),
          leaf('ToAppRef', 'TO-APPREF: the APPREF of the SIP/IMS APPLICATION it uses (unconfirmed).'),
          leaf('ToProxy', 'TO-PROXY resolved: URI of a ./Conn/PX/<x>.'),
          leaf('ConRef', 'TO-NAPID resolved: URI of a ./Conn/NAP/<x>.'),
          interior('AppAuth', 'Credentials (CP APPAUTH).', [
            interior(
              DYNAMIC,
              'One set of credentials.',
              [
                leaf('AAuthType', 'AAUTHTYPE.'),
                leaf('AAuthName', 'AAUTHNAME.'),
                leaf('AAuthSecret', 'AAUTHSECRET; never returned by Get.', { access: NO_GET, secret: true }),
              ],
              { occurrence: 'ZeroOrMore' },
            ),
          ]),
          ext(),
        ],
        { occurrence: 'ZeroOrMore', instanceFlags: true },
      ),
    ],
    { scope: 'permanent', occurrence: 'One', access: GET_ONLY, type: 'org.ota-handset/1.0/PoC' },
  ),
};
