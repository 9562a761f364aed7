// `schema`: the export config's JSON Schema (generated from the zod schema), for editors.
import { exportConfigJsonSchema } from '../../shared/config.js';
import { parse } from '../args.js';
import { EXIT, UsageError, type CliIo } from '../io.js';

export async function schemaCommand(argv: string[], io: CliIo): Promise<number> {
  const { positionals } = parse('schema', argv, {});
  if (positionals.length > 0) throw new UsageError('schema: usage: outbound schema');
  io.stdout(`${JSON.stringify(exportConfigJsonSchema(), null, 2)}\n`);
  return EXIT.ok;
}
