/**
 * The home network of an IMSI: MCC (3 digits) and MNC (2 or 3 digits). The MNC length is
 * not in the IMSI itself; North American MCCs (302-316) use 3 digits, most others 2.
 * Good enough for a status bar label, not for routing.
 */
export function homeNetwork(imsi: string): { mcc: string; mnc: string } | null {
  if (!/^\d{6,15}$/.test(imsi)) return null;
  const mcc = imsi.slice(0, 3);
  const mccNumber = Number(mcc);
  const mncLength = mccNumber >= 302 && mccNumber <= 316 ? 3 : 2;
  return { mcc, mnc: imsi.slice(3, 3 + mncLength) };
}
