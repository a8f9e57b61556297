import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerCatalog } from '../../../src/cli/catalog.js';
import { ScSimError } from '../../../src/errors.js';

/** Runs `sc-sim <args>` with only the catalog commands registered; captures stdout/stderr. */
async function run(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const program = new Command('sc-sim').exitOverride();
  registerCatalog(program);
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(['node', 'sc-sim', ...args]);
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return { stdout, stderr };
}

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('sc-sim catalog / sample / schema', () => {
  it('lists the order topic’s 12 types as a table, extensions marked with +', async () => {
    const { stdout, stderr } = await run('catalog', 'events', '--topic', 'sc.domain.order');
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^TYPE\s+TOPIC\s+FIELDS$/);
    expect(lines).toHaveLength(2 + 12);
    expect(stdout).toMatch(/order\.created\s+sc\.domain\.order\s+order_id, order_number, .*\+items/);
    expect(stderr).toMatch(/12 event types/);
  });

  it('prints all 74 types as JSON with field details', async () => {
    const rows = JSON.parse((await run('catalog', 'events', '--json')).stdout) as {
      type: string;
      fields: { name: string; optional: boolean }[];
    }[];
    expect(rows).toHaveLength(74);
    const failed = rows.find((r) => r.type === 'user.login_failed')!;
    expect(failed.fields[0]).toMatchObject({ name: 'user_id', optional: true });
  });

  it('rejects an unknown topic with the closest domain topics', async () => {
    await expect(run('catalog', 'events', '--topic', 'sc.domain.orders')).rejects.toThrow(ScSimError);
    await expect(run('catalog', 'events', '--topic', 'sc.domain.orders')).rejects.toMatchObject({
      hint: expect.stringMatching(/sc\.domain\.order/),
    });
  });

  it('samples realistic events as pretty JSON or NDJSON, printing the seed only when it chose it', async () => {
    const pretty = await run('sample', 'order.created', '--count', '2', '--seed', '7');
    expect(pretty.stderr).toBe('');
    const ndjson = await run('sample', 'order.created', '--count', '2', '--seed', '7', '--ndjson');
    const lines = ndjson.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0]!) as { event_type: string; payload: { order_number: string } };
    expect(first.event_type).toBe('order.created');
    expect(first.payload.order_number).toMatch(/^SC-\d{8}$/);
    expect(pretty.stdout).toContain(JSON.stringify(first, null, 2));
    const chosen = await run('sample', 'user.created');
    expect(chosen.stderr).toMatch(/^seed \d+ \(reproduce with --seed \d+\)/);
  });

  it('reports an unknown event type with E_EVENT_TYPE_UNKNOWN', async () => {
    // A wrong argument, like a wrong flag: exit 2.
    await expect(run('sample', 'order.craeted')).rejects.toMatchObject({ code: 'E_EVENT_TYPE_UNKNOWN', exitCode: 2 });
  });

  it('exports 96 schema files: the envelope, 74 event types, 20 derived topics, the heartbeat', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sc-sim-cli-schemas-'));
    dirs.push(dir);
    const { stdout } = await run('schema', 'export', '--out', dir);
    expect(stdout.trim().split('\n')).toHaveLength(96);
    expect(await readdir(dir)).toHaveLength(96);
  });

  it('exports the AsyncAPI document as YAML or JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sc-sim-cli-asyncapi-'));
    dirs.push(dir);
    const file = join(dir, 'catalog.json');
    const { stdout } = await run('schema', 'export', '--format', 'asyncapi', '--out', file);
    expect(stdout.trim()).toBe(file);
    const doc = JSON.parse(await readFile(file, 'utf8')) as { asyncapi: string; channels: Record<string, unknown> };
    expect(doc.asyncapi).toBe('3.0.0');
    expect(Object.keys(doc.channels)).toHaveLength(32);
    const yaml = await run('schema', 'export', '--format', 'asyncapi', '--out', '-');
    expect(yaml.stdout).toMatch(/^asyncapi: 3\.0\.0$/m);
  });
});
