// The layer rules must actually fail on a breach: lint synthetic files placed in each layer.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function errorsFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.severity === 2).map((m) => m.message);
}

describe('layer rules', () => {
  it('refuse electron in the engine, the store, the sources, the mock and the CLI', async () => {
    for (const file of ['src/main/engine/x.ts', 'src/main/store/x.ts', 'src/main/sources/x.ts', 'src/main/mock/x.ts', 'src/main/runs/x.ts', 'src/cli/x.ts']) {
      const errors = await errorsFor(file, "import { app } from 'electron';\nexport const a = app;\n");
      expect(errors.join('\n'), file).toMatch(/may import electron/);
    }
  });

  it('refuse the store in the engine', async () => {
    const errors = await errorsFor('src/main/engine/x.ts', "import { openStore } from '../store/db.js';\nexport const a = openStore;\n");
    expect(errors.join('\n')).toMatch(/must not import the store/);
  });

  it('refuse main, preload and Node in the renderer', async () => {
    expect((await errorsFor('src/renderer/x.ts', "import { runExport } from '../main/engine/runner.js';\nexport const a = runExport;\n")).join('\n')).toMatch(/window\.outbound/);
    expect((await errorsFor('src/renderer/state/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n")).join('\n')).toMatch(/no Node/);
  });

  it('allow what each layer may import', async () => {
    expect(await errorsFor('src/main/engine/x.ts', "import { parseExportConfig } from '../../shared/config.js';\nexport const a = parseExportConfig;\n")).toEqual([]);
    expect(await errorsFor('src/main/index.ts', "import { app } from 'electron';\nexport const a = app;\n")).toEqual([]);
    expect(await errorsFor('src/renderer/x.ts', "import { STUDIO_METHODS } from '../shared/api.js';\nexport const a = STUDIO_METHODS;\n")).toEqual([]);
  });
});
