#!/bin/sh
# Regenerates the golden WBXML of this directory from the XML sources with libwbxml
# (Debian libwbxml2-utils 0.11.8). The committed .wbxml files are the output of exactly
# these commands; tests compare our codec with them. Run from this directory.
set -eu
command -v xml2wbxml >/dev/null || { echo "xml2wbxml missing: apt-get install libwbxml2-utils" >&2; exit 1; }

# PROV (OMA CP): WBXML 1.3, no string table, like the oma-cp.md §10 vector.
for f in third-party/libwbxml/*.xml third-party/intel-cpclient/*.xml; do
  xml2wbxml -n -v 1.3 -o "${f%.xml}.wbxml" "$f" >/dev/null
done
# SyncML DM 1.2, TNDS, DevInf: WBXML 1.2 (as DM clients send), no string table.
for f in syncml/*.xml tnds/*.xml devinf/*.xml; do
  xml2wbxml -n -v 1.2 -o "${f%.xml}.wbxml" "$f" >/dev/null
done
# With libwbxml's string table (default on): decoded by us, not reproduced byte for byte.
xml2wbxml -v 1.3 -o string-table/prov-003.wbxml third-party/libwbxml/prov-003.xml >/dev/null
xml2wbxml -v 1.3 -o string-table/proxytest.wbxml third-party/intel-cpclient/proxytest.xml >/dev/null
xml2wbxml -v 1.2 -o string-table/dm-pkg2-server.wbxml syncml/dm-pkg2-server.xml >/dev/null
xml2wbxml -v 1.2 -o string-table/tnds-dmacc.wbxml tnds/tnds-dmacc.xml >/dev/null
