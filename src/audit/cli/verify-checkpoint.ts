import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { runWithDatabase } from '../../database/cli/run-with-database';
import {
  checkChainAgainstCheckpoint,
  checkpointSignatureValid,
  type AuditCheckpoint,
} from '../audit-checkpoint';

const USAGE =
  'Usage: npm run audit:verify-checkpoint -- --file checkpoint.json --public-key audit-signing-key.pub.pem';

/**
 * Operator command: checks a saved checkpoint's signature with a public key kept apart from the
 * API, then that the database's chain still holds that head at that seq (the tail before it was
 * not rewritten). Exits non-zero, naming what failed, when either does not hold.
 */
runWithDatabase(
  {
    usage: USAGE,
    description:
      "Checks a saved audit checkpoint's signature with the public key, then that the database's chain still holds that head at that seq.",
  },
  async ({ url }) => {
    const { values } = parseArgs({
      options: { file: { type: 'string' }, 'public-key': { type: 'string' } },
      strict: true,
    });
    if (!values.file || !values['public-key']) throw new Error(USAGE);
    const checkpoint = JSON.parse(readFileSync(values.file, 'utf8')) as AuditCheckpoint;
    if (!checkpointSignatureValid(checkpoint, readFileSync(values['public-key'], 'utf8'))) {
      throw new Error('the checkpoint signature does not verify with this public key');
    }
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const result = await checkChainAgainstCheckpoint(
        async <T>(sql: string, params: unknown[]) => (await client.query(sql, params)).rows as T[],
        checkpoint,
      );
      if (!result.ok) throw new Error(`the chain does not match the checkpoint: ${result.detail}`);
      process.stdout.write(
        `Checkpoint verified: practice ${checkpoint.practiceId}, ${result.linksChecked} links up to ` +
          `seq ${checkpoint.seq} intact, head ${checkpoint.headHash}\n`,
      );
    } finally {
      await client.end();
    }
  },
);
