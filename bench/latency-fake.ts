/**
 * The latency-faithful fake OpenRouter (bench/batch-fake-server.ts) in a child process, and the ideal wall
 * time its latencies and the caps allow: shared by bench/batch.ts and bench/service.ts.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../src/util/paths.js';

/** Seconds per call on the real service: embedding, analysis, generation. */
export const REAL_LATENCY_S = { embed: 0.3, analyze: 4, generate: 12 };

export type LatencyFake = Awaited<ReturnType<typeof startFake>>;

/** The fake OpenRouter in a child process; `ask` sends a command and waits for its answer. */
export async function startFake(): Promise<{ baseUrl: string; ask: (msg: object) => Promise<any>; child: ChildProcess }> {
  const child = fork(path.join(REPO_ROOT, 'bench/batch-fake-server.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: any) => (m.ready ? resolve(m.baseUrl) : reject(new Error('fake did not start'))));
    child.once('exit', (code) => reject(new Error(`fake exited with ${code}`)));
  });
  const ask = (msg: object) =>
    new Promise<any>((resolve) => {
      child.once('message', resolve);
      child.send(msg);
    });
  return { baseUrl, ask, child };
}

/** The least wall time any schedule could take: per stage, the waves its cap allows, plus the other stages before and after it. */
export function idealBoundSeconds(n: number, latency: { embed: number; analyze: number; generate: number }, caps: { embed: number; analyze: number; generate: number }): { seconds: number; bindingStage: string } {
  const order = ['embed', 'analyze', 'generate'] as const;
  let best = { seconds: 0, bindingStage: '' };
  order.forEach((stage, i) => {
    const before = order.slice(0, i).reduce((s, st) => s + latency[st], 0);
    const after = order.slice(i + 1).reduce((s, st) => s + latency[st], 0);
    const t = before + Math.ceil(n / caps[stage]) * latency[stage] + after;
    if (t > best.seconds) best = { seconds: t, bindingStage: stage };
  });
  return best;
}

