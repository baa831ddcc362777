import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_FLAGS } from './processes';

describe('node flags', () => {
  const scripts: Record<string, string> = JSON.parse(
    readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'),
  ).scripts;

  it.each(['api', 'worker'] as const)('npm run start:%s starts node with the flags the CLI uses', (name) => {
    expect(scripts[`start:${name}`]).toBe(
      ['node', ...NODE_FLAGS[name], `dist/apps/${name}/src/main.js`].join(' '),
    );
  });

  it('caps the worker’s heap: node started with its flags has a heap limit under 256 MB', () => {
    const probe = spawnSync(
      process.execPath,
      [...NODE_FLAGS.worker, '-e', 'console.log(require("v8").getHeapStatistics().heap_size_limit)'],
      { encoding: 'utf8' },
    );
    expect(probe.status).toBe(0);
    const limitMb = Number(probe.stdout.trim()) / 2 ** 20;
    // the limit counts the young generation too: 208 MB on Node 20 and 24 with these flags (Node 24
    // without the semi-space flag: 352 MB; uncapped: a quarter of RAM)
    expect(limitMb).toBeGreaterThan(100);
    expect(limitMb).toBeLessThan(256);
  });
});
