// The export configs the bench runs through the CLI, written as files a user would write.
// The individual body is the one bench/raw-undici.ts prepares for the same input.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const INDIVIDUAL_TEMPLATE = '{"id": "{{user.id}}", "email": "{{user.email}}", "ltv": {{user.ltv}}}';
export const BATCHED_TEMPLATE = '{"users": [{{#each users}}{"id": "{{id}}", "email": "{{email}}", "ltv": {{ltv}}}{{#unless @last}},{{/unless}}{{/each}}]}';
/** As many requests in flight as the raw loop's connections. */
export const INDIVIDUAL_CONCURRENCY = 32;
export const BATCHED_CONCURRENCY = 8;
export const BATCH_SIZE = 100;

export function writeConfigs(dir: string, sinkUrl: string): { individual: string; batched: string } {
  const write = (name: string, add: Record<string, unknown>, concurrency: number) => {
    const path = join(dir, `${name}.json`);
    writeFileSync(path, JSON.stringify({ version: 1, destination: { name: `bench ${name}`, concurrency, add: { url: `${sinkUrl}/members`, ...add } }, audience: { name: 'bench' } }, null, 2));
    return path;
  };
  return {
    individual: write('individual', { bodyTemplate: INDIVIDUAL_TEMPLATE }, INDIVIDUAL_CONCURRENCY),
    batched: write('batched', { bodyTemplate: BATCHED_TEMPLATE, batchMode: 'batched', batchSize: BATCH_SIZE }, BATCHED_CONCURRENCY),
  };
}
