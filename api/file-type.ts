/**
 * What a file really is, from its first bytes (magic numbers) and, for Office files, the zip's own table of contents:
 * the type an upload declares (its name, its Content-Type) is never trusted, so a program renamed photo.png is refused.
 */
import { inflateRawSync } from 'node:zlib';
import type { AttachmentType } from '../domain/attachments';

export type Sniffed = { type: AttachmentType } | { type: null; what: string };

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const startsWith = (bytes: Uint8Array, magic: readonly number[], at = 0) =>
  bytes.length >= at + magic.length && magic.every((b, i) => bytes[at + i] === b);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** Files people try to send that are refused, named so that the refusal says what was sent. */
const REFUSED: readonly { magic: readonly number[]; what: string }[] = [
  { magic: ascii('MZ'), what: 'Windows 可执行程序（MZ）' },
  { magic: [0x7f, ...ascii('ELF')], what: 'Linux 可执行程序（ELF）' },
  { magic: ascii('GIF8'), what: 'GIF 图片' },
  { magic: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], what: '旧版 Office 文件（DOC/XLS）' },
  { magic: ascii('Rar!'), what: 'RAR 压缩包' },
  { magic: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: '7z 压缩包' },
  { magic: ascii('#!'), what: '脚本' },
];

/** The accepted type of `bytes`, or what they seem to be instead. */
export function sniffFileType(bytes: Uint8Array): Sniffed {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { type: 'image/jpeg' };
  if (startsWith(bytes, [0x89, ...ascii('PNG'), 0x0d, 0x0a, 0x1a, 0x0a])) return { type: 'image/png' };
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return { type: 'image/webp' };
  if (startsWith(bytes, ascii('%PDF-'))) return { type: 'application/pdf' };
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return sniffOffice(bytes);
  const known = REFUSED.find((r) => startsWith(bytes, r.magic));
  if (known) return { type: null, what: known.what };
  if (bytes.length === 0) return { type: null, what: '空文件' };
  return { type: null, what: '无法识别类型的文件' };
}

/**
 * A zip is a Word or Excel file when its [Content_Types].xml names the main part of one; a macro-enabled one
 * (DOCM, XLSM) or any other zip is refused.
 */
function sniffOffice(bytes: Uint8Array): Sniffed {
  const entries = zipEntries(bytes);
  if (!entries) return { type: null, what: '损坏的 zip 压缩包' };
  const contentTypes = entries.get('[Content_Types].xml');
  const xml = contentTypes ? readEntry(bytes, contentTypes) : null;
  if (xml === null) return { type: null, what: 'zip 压缩包' };
  if (/macroEnabled/i.test(xml)) return { type: null, what: '含宏的 Office 文件' };
  if (entries.has('word/document.xml') && xml.includes('wordprocessingml.document.main+xml')) return { type: DOCX };
  if (entries.has('xl/workbook.xml') && xml.includes('spreadsheetml.sheet.main+xml')) return { type: XLSX };
  return { type: null, what: 'zip 压缩包' };
}

interface ZipEntry {
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeader: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** [Content_Types].xml is a few KB; anything larger is not an Office file (and a zip bomb must not be inflated). */
const MAX_CONTENT_TYPES_BYTES = 256 * 1024;

/** The zip's central directory by entry name, or null when there is none to be read. */
function zipEntries(bytes: Uint8Array): Map<string, ZipEntry> | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end record is the last thing in the file, followed by a comment of at most 65535 bytes.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const count = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  const entries = new Map<string, ZipEntry>();
  for (let n = 0; n < count; n++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== CENTRAL) return null;
    const nameLength = view.getUint16(at + 28, true);
    const skip = nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    if (at + 46 + nameLength > bytes.length) return null;
    const name = Buffer.from(bytes.subarray(at + 46, at + 46 + nameLength)).toString('utf8');
    entries.set(name, {
      method: view.getUint16(at + 10, true),
      compressedSize: view.getUint32(at + 20, true),
      uncompressedSize: view.getUint32(at + 24, true),
      localHeader: view.getUint32(at + 42, true),
    });
    at += 46 + skip;
  }
  return entries;
}

function readEntry(bytes: Uint8Array, entry: ZipEntry): string | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = entry.localHeader;
  if (h + 30 > bytes.length || view.getUint32(h, true) !== LOCAL) return null;
  const start = h + 30 + view.getUint16(h + 26, true) + view.getUint16(h + 28, true);
  const end = start + entry.compressedSize;
  if (end > bytes.length || entry.uncompressedSize > MAX_CONTENT_TYPES_BYTES) return null;
  const data = bytes.subarray(start, end);
  try {
    if (entry.method === 0) return Buffer.from(data).toString('utf8');
    if (entry.method === 8) return inflateRawSync(data, { maxOutputLength: MAX_CONTENT_TYPES_BYTES }).toString('utf8');
  } catch {
    return null;
  }
  return null;
}
