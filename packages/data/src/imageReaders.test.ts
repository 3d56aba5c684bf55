import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readImageFolder } from './imageFolder.js';
import { readImageList } from './imageList.js';
import { readInat } from './inat.js';
import { tempDir, writeImageFolder } from './imageFiles.fixture.js';
import { expectFileError } from './testFiles.fixture.js';

let root: string;
const write = (name: string, text: string) => {
  writeFileSync(join(root, name), text);
  return name;
};

beforeAll(() => {
  root = tempDir('readers');
});

describe('readImageList', () => {
  it('reads relative paths and labels, class names from a file', () => {
    const train = write('train.txt', 'train/a/1.jpg 0\ntrain/b/2.jpg 1\n\ntrain/b/with space.jpg 1\n');
    const test = write('test.txt', 'val/1.jpg 1\r\nval/2.jpg 0\r\n');
    const names = write('names.txt', 'apple\nbanana\n');
    const entries = readImageList({ root, train, test, classNames: names });
    expect(entries.train.map((e) => [e.path, e.label])).toEqual([
      [join(root, 'train/a/1.jpg'), 0],
      [join(root, 'train/b/2.jpg'), 1],
      [join(root, 'train/b/with space.jpg'), 1],
    ]);
    expect(entries.train[2].origin).toBe(`${join(root, 'train.txt')} line 4`);
    expect(entries.test.map((e) => e.label)).toEqual([1, 0]);
    expect(entries.classNames).toEqual(['apple', 'banana']);
    expect(readImageList({ root, train, test }).classNames).toEqual(['0', '1']);
  });

  it('names the file and line of a malformed line, a bad label, a label out of range and a duplicate path', () => {
    const test = write('ok.txt', 'x.jpg 0\n');
    const file = (name: string) => join(root, name);
    expectFileError(() => readImageList({ root, train: write('t1.txt', 'a.jpg 0\nonlyonefield\n'), test }), 'DATA_BAD_LINE', `${file('t1.txt')} line 2`, /relative\/path label/);
    expectFileError(() => readImageList({ root, train: write('t2.txt', 'a.jpg 0\nb.jpg 1.5\n'), test }), 'DATA_BAD_LABEL', `${file('t2.txt')} line 2`, /"1.5" is not an integer/);
    expectFileError(() => readImageList({ root, train: write('t3.txt', 'a.jpg 0\nb.jpg -1\n'), test }), 'DATA_LABEL_RANGE', `${file('t3.txt')} line 2`, /label -1 is negative/);
    expectFileError(
      () => readImageList({ root, train: write('t4.txt', 'a.jpg 0\nb.jpg 2\n'), test, classNames: write('n2.txt', 'x\ny\n') }),
      'DATA_LABEL_RANGE',
      `${file('t4.txt')} line 2`,
      /label 2 is outside 0\.\.1 \(2 classes\)/,
    );
    expectFileError(() => readImageList({ root, train: write('t5.txt', 'a.jpg 0\n./a.jpg 0\n'), test }), 'DATA_DUPLICATE_PATH', `${file('t5.txt')} line 2`, /listed twice \(first at .*t5\.txt line 1\)/);
    expectFileError(() => readImageList({ root, train: 'absent.txt', test }), 'DATA_FILE', file('absent.txt'), /cannot read the image list/);
  });
});

describe('readInat', () => {
  const json = (images: unknown, annotations?: unknown, categories?: unknown) => JSON.stringify({ images, annotations, categories });

  it('reads COCO-style images, annotations and category names', () => {
    const train = write('train2018.json', json([{ id: 7, file_name: 'train_val2018/Plantae/0/a.jpg' }, { id: 8, file_name: 'b.jpg' }], [{ image_id: 8, category_id: 1 }, { image_id: 7, category_id: 0 }], [{ id: 1, name: 'Bufo' }, { id: 0, name: 'Abies' }]));
    const val = write('val2018.json', json([{ id: 1, file_name: 'c.jpg' }], [{ image_id: 1, category_id: 1 }]));
    const entries = readInat({ root, train, test: val });
    expect(entries.classNames).toEqual(['Abies', 'Bufo']);
    expect(entries.train.map((e) => [e.path, e.label])).toEqual([[join(root, 'b.jpg'), 1], [join(root, 'train_val2018/Plantae/0/a.jpg'), 0]]);
    expect(entries.test[0].origin).toBe(`${join(root, 'val2018.json')} annotations[0]`);
  });

  it('refuses the unlabelled test split and names the entry of every malformed record', () => {
    const train = write('tr.json', json([{ id: 1, file_name: 'a.jpg' }], [{ image_id: 1, category_id: 0 }]));
    const file = (name: string) => join(root, name);
    expectFileError(() => readInat({ root, train, test: write('test2018.json', json([{ id: 1, file_name: 'a.jpg' }])) }), 'DATA_NO_ANNOTATIONS', file('test2018.json'), /test split without labels.*val2018\.json/);
    expectFileError(() => readInat({ root, train: write('b1.json', '{"images": ['), test: train }), 'DATA_BAD_JSON', file('b1.json'), /not valid JSON/);
    expectFileError(() => readInat({ root, train: write('b2.json', json([{ id: 1 }], [{ image_id: 1, category_id: 0 }])), test: train }), 'DATA_BAD_JSON', `${file('b2.json')}: images[0]`, /"file_name"/);
    expectFileError(() => readInat({ root, train: write('b3.json', json([{ id: 1, file_name: 'a.jpg' }], [{ image_id: 9, category_id: 0 }])), test: train }), 'DATA_BAD_JSON', `${file('b3.json')} annotations[0]`, /image_id 9/);
    expectFileError(() => readInat({ root, train: write('b4.json', json([{ id: 1, file_name: 'a.jpg' }], [{ image_id: 1, category_id: 'x' }])), test: train }), 'DATA_BAD_LABEL', `${file('b4.json')} annotations[0]`, /"x" is not an integer/);
    expectFileError(() => readInat({ root, train, test: write('b5.json', json([{ id: 1, file_name: 'a.jpg' }], [{ image_id: 1, category_id: 3 }])) }), 'DATA_LABEL_RANGE', `${file('b5.json')} annotations[0]`, /label 3 is outside 0\.\.0/);
    expectFileError(() => readInat({ root, train: write('b6.json', json([{ id: 1, file_name: 'a.jpg' }], [{ image_id: 1, category_id: 0 }, { image_id: 1, category_id: 0 }])), test: train }), 'DATA_DUPLICATE_PATH', `${file('b6.json')} annotations[1]`, /listed twice/);
  });
});

describe('readImageFolder', () => {
  it('holds out the last files of each class without a test folder, and checks a test folder has the same classes', async () => {
    const base = join(root, 'folders');
    await writeImageFolder(join(base, 'train'), ['b', 'a'], [5, 10]);
    const held = readImageFolder({ root: join(base, 'train'), testFraction: 0.2 });
    expect(held.classNames).toEqual(['a', 'b']);
    expect(held.train.length).toBe(12);
    expect(held.test.map((e) => e.path)).toEqual([join(base, 'train/a/img0008.webp'), join(base, 'train/a/img0009.jpg'), join(base, 'train/b/img0004.png')]);
    mkdirSync(join(base, 'test/a'), { recursive: true });
    mkdirSync(join(base, 'test/c'), { recursive: true });
    expectFileError(() => readImageFolder({ root: join(base, 'train'), test: join(base, 'test'), testFraction: 0.2 }), 'DATA_CLASS_MISMATCH', join(base, 'test'), /missing: b; not in training: c/);
    mkdirSync(join(base, 'empty/x'), { recursive: true });
    expectFileError(() => readImageFolder({ root: join(base, 'empty'), testFraction: 0.2 }), 'DATA_EMPTY', join(base, 'empty/x'), /no JPEG, PNG or WebP/);
  });
});
