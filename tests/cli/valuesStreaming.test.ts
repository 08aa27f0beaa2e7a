/**
 * `values` streams: a slow reader gets the JSON in many pieces with the
 * writer waiting for it, and a reader that goes away stops the command
 * quietly.
 */
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { run } from '../../bin/commands/values.js';
import { CLI, writeCsvMarket } from './helpers.js';

const csv = writeCsvMarket(50, 600);

describe('values output streaming', () => {
  it('hands a slow reader many pieces and waits for it to drain', async () => {
    const pieces: string[] = [];
    const out = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, done) {
        pieces.push(chunk.toString());
        setTimeout(done, 2);
      },
    });
    const errors: string[] = [];
    const code = await run(['--data', csv, '--expr', 'Mean($close, 5)', '--json'], { out, err: (l) => errors.push(l) });
    expect(code).toBe(0);
    expect(errors).toEqual([]);
    expect(pieces.length).toBeGreaterThan(3);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(200_000);
    // Complete when run() returns: every piece waited for the reader instead of piling up in the stream's buffer.
    const json = JSON.parse(pieces.join('')) as { dates: string[]; symbols: string[]; values: (number | null)[][] };
    expect(json.values).toHaveLength(600);
    expect(json.symbols).toHaveLength(50);
  });

  it('stops quietly when its reader closes the pipe (e.g. `| head`)', async () => {
    const child = spawn(process.execPath, [CLI, 'values', '--data', csv, '--expr', '$close'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
