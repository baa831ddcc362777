/**
 * The baseline of the webhook ingestion benchmark (issue 6): the least a webhook endpoint can do
 * and still store before it answers — parse the JSON, verify Voso's HMAC over the raw bytes, insert
 * ON CONFLICT DO NOTHING through a pool. No framework, no connection lookup, no queue.
 * Run by main.ts as its own process: PORT, DATABASE_URL, WEBHOOK_SECRET.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { Pool } from 'pg';

const secret = process.env.WEBHOOK_SECRET ?? '';
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });

function verified(body: Buffer, header: string | undefined): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match || Math.abs(Date.now() / 1000 - Number(match[1])) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.`).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(match[2], 'hex'));
}

async function main(): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS bare_inbox (
    event_id text PRIMARY KEY, shop_id text NOT NULL, body text NOT NULL, received_at timestamptz NOT NULL DEFAULT now())`);
  await pool.query(`TRUNCATE bare_inbox`);
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const answer = (status: number, payload: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(payload));
      };
      let event: { EVENT_ID?: string; SHOP_ID?: string };
      try {
        event = JSON.parse(body.toString('utf8'));
      } catch {
        return answer(400, { error: 'malformed' });
      }
      if (!verified(body, request.headers['x-voso-signature'] as string | undefined)) {
        return answer(401, { error: 'signature' });
      }
      pool
        .query(
          `INSERT INTO bare_inbox (event_id, shop_id, body) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING event_id`,
          [event.EVENT_ID, event.SHOP_ID, body.toString('utf8')],
        )
        .then((result) => answer(200, { received: true, duplicate: result.rowCount === 0 }))
        .catch(() => answer(500, { error: 'internal' }));
    });
  });
  server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('"listening"'));
}

void main();
