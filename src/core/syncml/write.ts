/**
 * SyncMLMessage -> XmlDocument, in DTD order (oma-dm.md §2), with the public id
 * `-//SYNCML//DTD SyncML 1.2//EN`, `xmlns="SYNCML:SYNCML1.2"` on the root and the MetInf
 * elements in the `syncml:metinf` namespace. Text Data is written as text, Uint8Array Data
 * as opaque, embedded elements as elements, so a read / write round trip is lossless for
 * everything the model holds.
 */
import type { XmlDocument, XmlElement, XmlNode } from '../wbxml/document.ts';
import { element, opaque, text } from '../wbxml/document.ts';
import type {
  Chal,
  Command,
  Cred,
  DataValue,
  Item,
  LocRef,
  Meta,
  SyncHdr,
  SyncMLMessage,
} from './message.ts';
import { METINF_NAMESPACE, SYNCML_NAMESPACE, SYNCML_PUBLIC_ID } from './message.ts';

function leaf(name: string, value: string): XmlElement {
  return element(name, [], value === '' ? [] : [text(value)]);
}

function empty(name: string): XmlElement {
  return element(name);
}

function metinf(name: string, value: string): XmlElement {
  return element(name, [], value === '' ? [] : [text(value)], METINF_NAMESPACE);
}

function writeLocRef(name: string, loc: LocRef): XmlElement {
  const children = [leaf('LocURI', loc.LocURI)];
  if (loc.LocName !== undefined) children.push(leaf('LocName', loc.LocName));
  return element(name, [], children);
}

/** MetInf DTD order: Format, Type, Mark, Size, Version, NextNonce, MaxMsgSize, MaxObjSize, EMI*. */
export function writeMeta(meta: Meta): XmlElement {
  const c: XmlElement[] = [];
  if (meta.Format !== undefined) c.push(metinf('Format', meta.Format));
  if (meta.Type !== undefined) c.push(metinf('Type', meta.Type));
  if (meta.Mark !== undefined) c.push(metinf('Mark', meta.Mark));
  if (meta.Size !== undefined) c.push(metinf('Size', String(meta.Size)));
  if (meta.Version !== undefined) c.push(metinf('Version', meta.Version));
  if (meta.NextNonce !== undefined) c.push(metinf('NextNonce', meta.NextNonce));
  if (meta.MaxMsgSize !== undefined) c.push(metinf('MaxMsgSize', String(meta.MaxMsgSize)));
  if (meta.MaxObjSize !== undefined) c.push(metinf('MaxObjSize', String(meta.MaxObjSize)));
  for (const emi of meta.EMI ?? []) c.push(metinf('EMI', emi));
  return element('Meta', [], c);
}

function writeData(data: DataValue): XmlElement {
  let children: XmlNode[];
  if (typeof data === 'string') children = data === '' ? [] : [text(data)];
  else if (data instanceof Uint8Array) children = [opaque(data)];
  else children = [...data];
  return element('Data', [], children);
}

function writeCred(cred: Cred): XmlElement {
  const c: XmlElement[] = [];
  if (cred.Meta) c.push(writeMeta(cred.Meta));
  c.push(leaf('Data', cred.Data));
  return element('Cred', [], c);
}

function writeChal(chal: Chal): XmlElement {
  return element('Chal', [], [writeMeta(chal.Meta)]);
}

/** Item order: Target, Source, TargetParent, SourceParent, Meta, Data, MoreData (oma-dm.md §2). */
export function writeItem(item: Item): XmlElement {
  const c: XmlElement[] = [];
  if (item.Target) c.push(writeLocRef('Target', item.Target));
  if (item.Source) c.push(writeLocRef('Source', item.Source));
  if (item.TargetParent) c.push(writeLocRef('TargetParent', item.TargetParent));
  if (item.SourceParent) c.push(writeLocRef('SourceParent', item.SourceParent));
  if (item.Meta) c.push(writeMeta(item.Meta));
  if (item.Data !== undefined) c.push(writeData(item.Data));
  if (item.MoreData) c.push(empty('MoreData'));
  return element('Item', [], c);
}

export function writeCommand(cmd: Command): XmlElement {
  const c: XmlElement[] = [leaf('CmdID', cmd.CmdID)];
  switch (cmd.kind) {
    case 'Status':
      c.push(leaf('MsgRef', cmd.MsgRef), leaf('CmdRef', cmd.CmdRef), leaf('Cmd', cmd.Cmd));
      for (const ref of cmd.TargetRef) c.push(leaf('TargetRef', ref));
      for (const ref of cmd.SourceRef) c.push(leaf('SourceRef', ref));
      if (cmd.Cred) c.push(writeCred(cmd.Cred));
      if (cmd.Chal) c.push(writeChal(cmd.Chal));
      c.push(leaf('Data', String(cmd.Data)));
      break;
    case 'Results':
      if (cmd.MsgRef !== undefined) c.push(leaf('MsgRef', cmd.MsgRef));
      c.push(leaf('CmdRef', cmd.CmdRef));
      if (cmd.Meta) c.push(writeMeta(cmd.Meta));
      if (cmd.TargetRef !== undefined) c.push(leaf('TargetRef', cmd.TargetRef));
      if (cmd.SourceRef !== undefined) c.push(leaf('SourceRef', cmd.SourceRef));
      break;
    case 'Alert':
      if (cmd.NoResp) c.push(empty('NoResp'));
      if (cmd.Cred) c.push(writeCred(cmd.Cred));
      c.push(leaf('Data', String(cmd.Data)));
      if (cmd.Correlator !== undefined) c.push(leaf('Correlator', cmd.Correlator));
      break;
    case 'Atomic':
    case 'Sequence':
      if (cmd.NoResp) c.push(empty('NoResp'));
      if (cmd.Meta) c.push(writeMeta(cmd.Meta));
      for (const inner of cmd.commands) c.push(writeCommand(inner));
      break;
    default:
      if (cmd.NoResp) c.push(empty('NoResp'));
      if (cmd.kind === 'Delete') {
        if (cmd.Archive) c.push(empty('Archive'));
        if (cmd.SftDel) c.push(empty('SftDel'));
      }
      if (cmd.kind === 'Get' && cmd.Lang !== undefined) c.push(leaf('Lang', cmd.Lang));
      if (cmd.Cred) c.push(writeCred(cmd.Cred));
      if (cmd.Meta) c.push(writeMeta(cmd.Meta));
      if (cmd.kind === 'Exec' && cmd.Correlator !== undefined) c.push(leaf('Correlator', cmd.Correlator));
  }
  if (cmd.kind !== 'Atomic' && cmd.kind !== 'Sequence') {
    for (const item of cmd.Items) c.push(writeItem(item));
  }
  return element(cmd.kind, [], c);
}

export function writeHeader(hdr: SyncHdr): XmlElement {
  const c: XmlElement[] = [
    leaf('VerDTD', hdr.VerDTD),
    leaf('VerProto', hdr.VerProto),
    leaf('SessionID', hdr.SessionID),
    leaf('MsgID', hdr.MsgID),
    writeLocRef('Target', hdr.Target),
    writeLocRef('Source', hdr.Source),
  ];
  if (hdr.RespURI !== undefined) c.push(leaf('RespURI', hdr.RespURI));
  if (hdr.NoResp) c.push(empty('NoResp'));
  if (hdr.Cred) c.push(writeCred(hdr.Cred));
  if (hdr.Meta) c.push(writeMeta(hdr.Meta));
  return element('SyncHdr', [], c);
}

/** Write a message as a document (the WBXML codec or the XML bridge then serialises it). */
export function writeSyncML(msg: SyncMLMessage): XmlDocument {
  const body: XmlElement[] = msg.SyncBody.commands.map(writeCommand);
  if (msg.SyncBody.Final) body.push(empty('Final'));
  return {
    publicId: SYNCML_PUBLIC_ID,
    root: element(
      'SyncML',
      [{ name: 'xmlns', value: SYNCML_NAMESPACE }],
      [writeHeader(msg.SyncHdr), element('SyncBody', [], body)],
    ),
  };
}
