// A small run of the push load test (test/server/load.ts): every webhook reaches its browser stream, once.
import { formatReport, runServerLoad } from './load';

describe('server push under load (loopback)', () => {
  it('delivers every one of 500 webhooks to 50 concurrent streams, none lost or doubled', async () => {
    const report = await runServerLoad({ clients: 50, deliveries: 500, concurrency: 32 });
    expect(report, formatReport(report)).toMatchObject({ delivered: 500, lost: 0, duplicates: 0, webhookErrors: 0 });
  }, 60_000);

  it('does the same across two instances through a real redis-server', async () => {
    const report = await runServerLoad({ clients: 30, deliveries: 300, concurrency: 32, redis: true });
    expect(report, formatReport(report)).toMatchObject({ delivered: 300, lost: 0, duplicates: 0, webhookErrors: 0 });
  }, 60_000);
});
