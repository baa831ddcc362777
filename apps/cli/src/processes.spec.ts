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

  it('caps the worker’s heap', () => {
    expect(NODE_FLAGS.worker).toContain('--max-old-space-size=160');
  });
});
