import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';

/** Runs the CLI in-process and captures what it printed. */
export async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = new Writable({ write(chunk, _enc, cb) { stdout += chunk.toString(); cb(); } });
  const err = new Writable({ write(chunk, _enc, cb) { stderr += chunk.toString(); cb(); } });
  const code = await main([...args, '--progress', 'quiet'], out as unknown as NodeJS.WritableStream, err as unknown as NodeJS.WritableStream);
  return { code, stdout, stderr };
}
