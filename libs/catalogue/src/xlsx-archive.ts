import { inflateRawSync } from 'node:zlib';
import { BadRequest } from '@ocop/common';

/**
 * An .xlsx is a zip archive, and the library that reads it (exceljs, through JSZip) inflates every
 * part whole into memory, trusting the sizes the archive declares. A 5 MiB upload can declare
 * small sizes and inflate to gigabytes (a zip bomb), so before the library sees it the archive is
 * walked here: each part inflated with Node's own bounded inflate, so that no part may grow past
 * MAX_PART_BYTES nor all of them past MAX_TOTAL_BYTES, whatever their headers say, and the sheets
 * may hold no more than MAX_CELLS cells: exceljs builds an object per cell, and 16 MiB of sheet
 * took it 6 s and 500 MB. A catalogue of 5,000 rows is 55,000 cells in 2–3 MiB of XML.
 */
export const MAX_PART_BYTES = 8 * 1024 * 1024;
export const MAX_TOTAL_BYTES = 32 * 1024 * 1024;
export const MAX_PARTS = 1000;
export const MAX_CELLS = 200_000;
const WORKSHEET = /^xl\/worksheets\/[^/]+\.xml$/;
/** A cell element, with or without a namespace prefix (`<c r="A1">`, `<x:c r="A1">`). */
const CELL = /<(?:\w+:)?c[\s>/]/g;

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const NOT_A_WORKBOOK =
  'The file is not an .xlsx workbook (Excel 2007 or later): save it as .xlsx and try again';

function notAWorkbook(why?: string): BadRequest {
  return new BadRequest(why ? `${NOT_A_WORKBOOK} (${why})` : NOT_A_WORKBOOK);
}

function endOfDirectory(archive: Buffer): number {
  // the record is 22 bytes, followed by a comment of at most 65,535
  const earliest = Math.max(0, archive.length - 22 - 0xffff);
  for (let at = archive.length - 22; at >= earliest; at -= 1) {
    if (archive.readUInt32LE(at) === END_OF_DIRECTORY) return at;
  }
  throw notAWorkbook();
}

/** Throws BadRequest unless `archive` is a zip holding a workbook, each part within the limits. */
export function checkWorkbookArchive(archive: Buffer): void {
  if (archive.length < 22) throw notAWorkbook();
  const end = endOfDirectory(archive);
  const count = archive.readUInt16LE(end + 10);
  const directoryAt = archive.readUInt32LE(end + 16);
  if (count > MAX_PARTS) throw new BadRequest(`The workbook has more than ${MAX_PARTS} parts`);
  const names = new Set<string>();
  let total = 0;
  let cells = 0;
  let at = directoryAt;
  for (let i = 0; i < count; i += 1) {
    if (at + 46 > archive.length || archive.readUInt32LE(at) !== DIRECTORY_ENTRY) {
      throw notAWorkbook('its directory is damaged');
    }
    const method = archive.readUInt16LE(at + 10);
    const compressedSize = archive.readUInt32LE(at + 20);
    const nameLength = archive.readUInt16LE(at + 28);
    const extraLength = archive.readUInt16LE(at + 30);
    const commentLength = archive.readUInt16LE(at + 32);
    const localAt = archive.readUInt32LE(at + 42);
    const name = archive.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    if (compressedSize === 0xffffffff || localAt === 0xffffffff) throw notAWorkbook('zip64 is not read');
    if (localAt + 30 > archive.length || archive.readUInt32LE(localAt) !== LOCAL_HEADER) {
      throw notAWorkbook('a part is damaged');
    }
    const dataAt = localAt + 30 + archive.readUInt16LE(localAt + 26) + archive.readUInt16LE(localAt + 28);
    if (dataAt + compressedSize > archive.length) throw notAWorkbook('a part is cut short');
    const data = archive.subarray(dataAt, dataAt + compressedSize);
    const allowed = Math.min(MAX_PART_BYTES, MAX_TOTAL_BYTES - total);
    let inflated: Buffer | undefined;
    if (method === 0) inflated = data;
    else if (method === 8) {
      try {
        inflated = inflateRawSync(data, { maxOutputLength: allowed + 1 });
      } catch (error) {
        if ((error as { code?: string }).code !== 'ERR_BUFFER_TOO_LARGE')
          throw notAWorkbook('a part cannot be decompressed');
      }
    } else throw notAWorkbook(`a part uses compression method ${method}`);
    const size = inflated?.length ?? allowed + 1;
    if (size > allowed) {
      throw new BadRequest(
        `The workbook decompresses to more than ${MAX_PART_BYTES / 1024 / 1024} MiB in one part or ` +
          `${MAX_TOTAL_BYTES / 1024 / 1024} MiB in all; a catalogue is far smaller`,
      );
    }
    total += size;
    const path = name.replace(/^\//, '');
    names.add(path);
    if (WORKSHEET.test(path)) {
      cells += inflated!.toString('latin1').match(CELL)?.length ?? 0;
      if (cells > MAX_CELLS) {
        throw new BadRequest(
          `The workbook's sheets hold more than ${MAX_CELLS.toLocaleString('en')} cells; a catalogue is far smaller`,
        );
      }
    }
  }
  if (!names.has('[Content_Types].xml') || !names.has('xl/workbook.xml')) throw notAWorkbook();
}
