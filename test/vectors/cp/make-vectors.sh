#!/usr/bin/env bash
# Regenerates the CP security / push / SMS vectors in this folder with openssl and xxd only
# (no project code), so the TypeScript implementation is checked against an independent tool.
# Usage: bash test/vectors/cp/make-vectors.sh   (run from anywhere; writes next to itself)
set -euo pipefail
cd "$(dirname "$0")"

hex_to_bin() { tr -d ' \n' | xxd -r -p; }
hmac() { # $1 = key hex, $2 = file -> uppercase MAC hex
  openssl dgst -sha1 -mac HMAC -macopt "hexkey:$1" "$2" | sed 's/.*= //' | tr 'a-f' 'A-F'
}
ascii_hex() { printf '%s' "$1" | xxd -p | tr -d '\n' | tr 'a-f' 'A-F'; }

# Document A (oma-cp.md section 10), 286 bytes
tr -d ' \n' < doc-a.wbxml.hex | xxd -r -p > /tmp/cp-doc-a.wbxml
test "$(wc -c < /tmp/cp-doc-a.wbxml)" -eq 286

IMSI=262022033864727
NETWPIN_KEY=2926200233687472          # semi-octets of 9262022033864727, low nibble first
PIN=1234
PIN_HEX=$(ascii_hex "$PIN")           # 31323334
PINMAC_PIN=12345
PINMAC_PIN_HEX=$(ascii_hex "$PINMAC_PIN")

MAC_NETWPIN=$(hmac "$NETWPIN_KEY" /tmp/cp-doc-a.wbxml)
MAC_USERPIN=$(hmac "$PIN_HEX" /tmp/cp-doc-a.wbxml)
MAC_USERNETWPIN=$(hmac "$NETWPIN_KEY$PIN_HEX" /tmp/cp-doc-a.wbxml)
D_PINMAC=$(hmac "$PINMAC_PIN_HEX" /tmp/cp-doc-a.wbxml)
DIGITS=""
for i in 0 1 2 3 4; do DIGITS="$DIGITS$(( 16#${D_PINMAC:$((i * 2)):2} % 10 ))"; done

echo "NETWPIN      key $NETWPIN_KEY mac $MAC_NETWPIN"
echo "USERPIN      key $PIN_HEX mac $MAC_USERPIN"
echo "USERNETWPIN  key $NETWPIN_KEY$PIN_HEX mac $MAC_USERNETWPIN"
echo "USERPINMAC   key $PINMAC_PIN_HEX hmac $D_PINMAC digits $DIGITS entry $PINMAC_PIN$DIGITS"

DOC_A=$(tr -d ' \n' < doc-a.wbxml.hex)
# Content-Type general form: 1F 2D (length 45) B6 | 91 8s (SEC) | 92 <40 ASCII hex> 00 (MAC); HeadersLen 2F = 47
signed_push() { # $1 tid, $2 content-type code, $3 sec octet, $4 mac, $5 extra headers, $6 headers length, $7 body hex
  printf '%s06%s1F2D%s91%s92%s00%s%s\n' "$1" "$6" "$2" "$3" "$(ascii_hex "$4")" "$5" "$7"
}
signed_push 01 B6 80 "$MAC_NETWPIN" "" 2F "$DOC_A" > push-netwpin.hex
signed_push 02 B6 81 "$MAC_USERPIN" "" 2F "$DOC_A" > push-userpin.hex
signed_push 03 B6 82 "$MAC_USERNETWPIN" "" 2F "$DOC_A" > push-usernetwpin.hex
# USERPINMAC: no MAC parameter; value length 03: B6 91 83; HeadersLen 04
printf '04060403B69183%s\n' "$DOC_A" > push-userpinmac.hex
# Unsigned: short-integer content type B6, HeadersLen 01
printf '050601B6%s\n' "$DOC_A" > push-unsigned.hex

# DM bootstrap (DM profile): SyncML 1.2 WBXML body, NETWPIN, content type C2, X-Wap-Application-Id AF 87, HeadersLen 31 = 49
DM=$(tr -d ' \n' < dm-bootstrap.wbxml.hex)
tr -d ' \n' < dm-bootstrap.wbxml.hex | xxd -r -p > /tmp/cp-dm-bootstrap.wbxml
MAC_DM=$(hmac "$NETWPIN_KEY" /tmp/cp-dm-bootstrap.wbxml)
echo "DM bootstrap NETWPIN mac $MAC_DM ($(wc -c < /tmp/cp-dm-bootstrap.wbxml) bytes)"
signed_push 06 C2 80 "$MAC_DM" AF87 31 "$DM" > push-dm-bootstrap.hex

# Multi-segment SMS of push-netwpin: Kannel UDH 0B 05 04 0B84 0B84 00 03 rr nn ii, 128 octets each, reference 0x2A
PDU=$(tr -d '\n' < push-netwpin.hex)
TOTAL=$(( (${#PDU} / 2 + 127) / 128 ))
: > sms-netwpin.hex
for ((i = 0; i < TOTAL; i++)); do
  printf '0B05040B840B8400032A%02X%02X%s\n' "$TOTAL" "$((i + 1))" "${PDU:$((i * 256)):256}" >> sms-netwpin.hex
done
echo "sms-netwpin.hex: $TOTAL segments"
