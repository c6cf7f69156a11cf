/**
 * XmlDocument (from the WBXML decoder or the XML bridge) → typed CP document (oma-cp.md §1).
 *
 * This step checks only the shape of the document model: the root is `wap-provisioningdoc`,
 * its children are `characteristic` elements with a `type`, which hold `parm` elements with a
 * `name` (and an optional `value`) and nested characteristics. Whitespace text is ignored.
 * The nesting and occurrence rules of §1.1-§1.2 are checked by `validate.ts`, which reports
 * every problem at once. Limits keep a hostile document from using unbounded memory.
 */
import type { XmlDocument, XmlElement } from '../wbxml/document.ts';
import { attribute } from '../wbxml/document.ts';
import { CpDocumentError, type CpCharacteristic, type CpDocument, type CpParm } from './document.ts';

export interface CpParseLimits {
  /** Most characteristics in one document. Default 2,000. */
  maxCharacteristics: number;
  /** Most parameters in one document. Default 20,000. */
  maxParms: number;
  /** Deepest nesting of characteristics. Default 8 (the model needs 3). */
  maxDepth: number;
  /** Longest parameter value, in UTF-16 code units. Default 8,192. */
  maxValueLength: number;
}

export const DEFAULT_CP_PARSE_LIMITS: Readonly<CpParseLimits> = Object.freeze({
  maxCharacteristics: 2000,
  maxParms: 20000,
  maxDepth: 8,
  maxValueLength: 8192,
});

export const PROV_ROOT = 'wap-provisioningdoc';

function localName(name: string): string {
  const colon = name.lastIndexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

function textProblem(el: XmlElement, where: string): void {
  for (const child of el.children) {
    if (child.kind === 'text' && child.value.trim() !== '') {
      throw new CpDocumentError(
        'cp-bad-structure',
        `${where}: unexpected text "${child.value.trim().slice(0, 40)}"`,
        {
          path: where,
        },
      );
    }
    if (child.kind === 'opaque') {
      throw new CpDocumentError('cp-bad-structure', `${where}: unexpected opaque data`, { path: where });
    }
  }
}

/**
 * Reads a provisioning document. Throws `CpDocumentError` (`cp-not-provisioning-doc`,
 * `cp-bad-structure`, `cp-too-large`) naming the characteristic path.
 */
export function parseCpDocument(doc: XmlDocument, limits: Partial<CpParseLimits> = {}): CpDocument {
  const lim: CpParseLimits = { ...DEFAULT_CP_PARSE_LIMITS, ...limits };
  const root = doc.root;
  if (localName(root.name) !== PROV_ROOT) {
    throw new CpDocumentError(
      'cp-not-provisioning-doc',
      `The document is not a provisioning document: its root is <${root.name}>, expected <${PROV_ROOT}>`,
      { root: root.name },
    );
  }
  let characteristics = 0;
  let parms = 0;

  const readChildren = (el: XmlElement, parentPath: string, depth: number): CpCharacteristic[] => {
    const out: CpCharacteristic[] = [];
    const counts = new Map<string, number>();
    const where = parentPath === '' ? PROV_ROOT : parentPath;
    textProblem(el, where);
    for (const child of el.children) {
      if (child.kind !== 'element') continue;
      const name = localName(child.name);
      if (name === 'parm') {
        if (parentPath === '') {
          throw new CpDocumentError(
            'cp-bad-structure',
            `${PROV_ROOT}: a parm must be inside a characteristic`,
            {
              path: PROV_ROOT,
            },
          );
        }
        continue; // read by the parent's readParms
      }
      if (name !== 'characteristic') {
        throw new CpDocumentError('cp-bad-structure', `${where}: unexpected element <${child.name}>`, {
          path: where,
          element: child.name,
        });
      }
      const type = attribute(child, 'type');
      const index = out.length + 1;
      if (type === undefined || type.trim() === '') {
        throw new CpDocumentError(
          'cp-bad-structure',
          `${parentPath === '' ? '' : `${parentPath}/`}characteristic #${index}: no type attribute`,
          { path: parentPath },
        );
      }
      const n = (counts.get(type) ?? 0) + 1;
      counts.set(type, n);
      const path = `${parentPath === '' ? '' : `${parentPath}/`}${type}[${n}]`;
      if (++characteristics > lim.maxCharacteristics) {
        throw new CpDocumentError(
          'cp-too-large',
          `More than ${lim.maxCharacteristics} characteristics (at ${path})`,
          {
            path,
            limit: lim.maxCharacteristics,
          },
        );
      }
      if (depth + 1 > lim.maxDepth) {
        throw new CpDocumentError(
          'cp-too-large',
          `${path}: characteristics nested deeper than ${lim.maxDepth}`,
          {
            path,
            limit: lim.maxDepth,
          },
        );
      }
      out.push({
        type,
        path,
        parms: readParms(child, path),
        characteristics: readChildren(child, path, depth + 1),
      });
    }
    return out;
  };

  const readParms = (el: XmlElement, path: string): CpParm[] => {
    const out: CpParm[] = [];
    for (const child of el.children) {
      if (child.kind !== 'element' || localName(child.name) !== 'parm') continue;
      const name = attribute(child, 'name');
      if (name === undefined || name === '') {
        throw new CpDocumentError(
          'cp-bad-structure',
          `${path}: parm #${out.length + 1} has no name attribute`,
          {
            path,
          },
        );
      }
      if (child.children.some((c) => c.kind === 'element' || (c.kind === 'text' && c.value.trim() !== ''))) {
        throw new CpDocumentError(
          'cp-bad-structure',
          `${path}: parm ${name} has content; parms are empty elements`,
          {
            path,
            parm: name,
          },
        );
      }
      if (++parms > lim.maxParms) {
        throw new CpDocumentError('cp-too-large', `More than ${lim.maxParms} parameters (at ${path})`, {
          path,
          limit: lim.maxParms,
        });
      }
      const value = attribute(child, 'value');
      if (value !== undefined && value.length > lim.maxValueLength) {
        throw new CpDocumentError(
          'cp-too-large',
          `${path}: the value of ${name} is ${value.length} characters, more than ${lim.maxValueLength}`,
          { path, parm: name, limit: lim.maxValueLength },
        );
      }
      out.push(value === undefined ? { name } : { name, value });
    }
    return out;
  };

  const result: CpDocument = { publicId: doc.publicId, characteristics: readChildren(root, '', 0) };
  const version = attribute(root, 'version');
  if (version !== undefined) result.version = version;
  return result;
}
