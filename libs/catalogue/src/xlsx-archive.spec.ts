import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { BadRequest } from '@ocop/common';
import { checkWorkbookArchive, MAX_CELLS, MAX_PART_BYTES } from './xlsx-archive';

async function blankWorkbook(): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.addWorksheet('x').addRow(['a']);
  return Buffer.from(await book.xlsx.writeBuffer());
}

const refusal = (archive: Buffer): string => {
  try {
    checkWorkbookArchive(archive);
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequest);
    return (error as Error).message;
  }
  throw new Error('accepted');
};

describe('checking an uploaded workbook archive before it is inflated', () => {
  it('accepts a workbook', async () => {
    expect(() => checkWorkbookArchive(Buffer.alloc(0))).toThrow(BadRequest);
    await expect(blankWorkbook().then(checkWorkbookArchive)).resolves.toBeUndefined();
  });

  it('refuses what is not a zip, or a zip that holds no workbook', async () => {
    expect(refusal(Buffer.from('Tên sản phẩm,Mã SKU\nChè,A1\n'))).toMatch(/not an \.xlsx workbook/);
    const zip = new JSZip();
    zip.file('readme.txt', 'xin chào');
    expect(refusal(await zip.generateAsync({ type: 'nodebuffer' }))).toMatch(/not an \.xlsx workbook/);
  });

  it('refuses a part that inflates past the limit, even when the archive declares it small', async () => {
    const zip = await JSZip.loadAsync(await blankWorkbook());
    zip.file('xl/media/image1.png', Buffer.alloc(MAX_PART_BYTES + 1));
    const bomb = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    expect(refusal(bomb)).toMatch(/decompresses to more than/);
    // the declared sizes are only claims: set every part's to 1 byte and it is still caught
    const lying = Buffer.from(bomb);
    for (let at = 0; at + 46 <= lying.length; at += 1) {
      if (lying.readUInt32LE(at) === 0x02014b50) lying.writeUInt32LE(1, at + 24);
    }
    expect(refusal(lying)).toMatch(/decompresses to more than/);
  });

  it('refuses sheets of more cells than a catalogue has, counted before exceljs builds them', async () => {
    const zip = await JSZip.loadAsync(await blankWorkbook());
    const row = (r: number) => `<x:row r="${r}"><x:c r="A${r}"><x:v>1</x:v></x:c><x:c r="B${r}"/></x:row>`;
    const rows = Array.from({ length: MAX_CELLS / 2 + 1 }, (_, i) => row(i + 1)).join('');
    zip.file('xl/worksheets/sheet2.xml', `<x:worksheet><x:sheetData>${rows}</x:sheetData></x:worksheet>`);
    const crowded = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    expect(refusal(crowded)).toMatch(/more than 200,000 cells/);
    // columns' widths and formats are not cells
    const styled = await JSZip.loadAsync(await blankWorkbook());
    styled.file(
      'xl/worksheets/sheet2.xml',
      `<worksheet><cols>${'<col min="1" max="1"/>'.repeat(MAX_CELLS + 1)}</cols></worksheet>`,
    );
    await expect(
      styled.generateAsync({ type: 'nodebuffer' }).then(checkWorkbookArchive),
    ).resolves.toBeUndefined();
  });

  it('refuses a damaged archive', async () => {
    const good = await blankWorkbook();
    const damaged = Buffer.from(good);
    damaged.fill(0, 100, 400);
    expect(refusal(damaged)).toMatch(/not an \.xlsx workbook/);
    expect(refusal(good.subarray(0, good.length - 30))).toMatch(/not an \.xlsx workbook/);
  });
});
