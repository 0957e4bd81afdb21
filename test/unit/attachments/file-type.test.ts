/**
 * The sniffer (api/file-type.ts) on real bytes: each accepted type by its content whatever it is called, Office
 * files by their zip's table of contents, and what is refused named.
 */
import ExcelJS from 'exceljs';
import { sniffFileType } from '../../../api/file-type';
import { docx, exe, pdf, png, zip } from '../../support/files';

test('PNG, PDF, JPEG and WebP by their magic numbers', () => {
  expect(sniffFileType(png())).toEqual({ type: 'image/png' });
  expect(sniffFileType(pdf())).toEqual({ type: 'application/pdf' });
  expect(sniffFileType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, ...Buffer.from('JFIF')]))).toEqual({ type: 'image/jpeg' });
  const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.from([30, 0, 0, 0]), Buffer.from('WEBPVP8 ')]);
  expect(sniffFileType(webp)).toEqual({ type: 'image/webp' });
});

test('a real XLSX (written by ExcelJS) and a DOCX, deflated or stored', async () => {
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet('整改台账').addRow(['整改完成']);
  expect(sniffFileType(Buffer.from(await workbook.xlsx.writeBuffer()))).toEqual({
    type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  });
  expect(sniffFileType(docx())).toEqual({ type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' });
});

test('refused, and said what it is: a program, macros, a plain zip, a damaged zip, a GIF, text, nothing', () => {
  expect(sniffFileType(exe())).toEqual({ type: null, what: 'Windows 可执行程序（MZ）' });
  expect(sniffFileType(docx({ macros: true }))).toEqual({ type: null, what: '含宏的 Office 文件' });
  expect(sniffFileType(zip({ 'photo.png': 'not really' }))).toEqual({ type: null, what: 'zip 压缩包' });
  // The right entry names without the content types that make it Word: still only a zip.
  expect(sniffFileType(zip({ 'word/document.xml': '<w:document/>' }, { stored: true }))).toEqual({ type: null, what: 'zip 压缩包' });
  expect(sniffFileType(docx().subarray(0, 60))).toEqual({ type: null, what: '损坏的 zip 压缩包' });
  expect(sniffFileType(Buffer.from('GIF89a'))).toEqual({ type: null, what: 'GIF 图片' });
  expect(sniffFileType(Buffer.from('<html><script>alert(1)</script>'))).toEqual({ type: null, what: '无法识别类型的文件' });
  expect(sniffFileType(Buffer.alloc(0))).toEqual({ type: null, what: '空文件' });
});

test('the magic must be at the start: a PNG signature later in the file is not a PNG', () => {
  expect(sniffFileType(Buffer.concat([Buffer.from('xx'), png()])).type).toBeNull();
});
