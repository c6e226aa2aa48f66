/**
 * Run a sender and a receiver as processes wired to each other like qrexec does: the
 * sender's stdout is the receiver's stdin and the receiver's stdout the sender's stdin.
 */
import { spawn } from 'node:child_process';

export interface PairRun {
  readonly sender: { readonly status: number | null; readonly stderr: string };
  readonly receiver: { readonly status: number | null; readonly stderr: string };
}

export interface Side {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
}

export async function runPair(sender: Side, receiver: Side, timeoutMs = 60_000): Promise<PairRun> {
  const senderChild = spawn(sender.command, sender.args, { cwd: sender.cwd, env: sender.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
  const receiverChild = spawn(receiver.command, receiver.args, { cwd: receiver.cwd, env: receiver.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
  senderChild.stdout.pipe(receiverChild.stdin);
  receiverChild.stdout.pipe(senderChild.stdin);
  // A side that exits early breaks the other's pipe: that is part of the protocol. Close the
  // pipe from the other side too, as qrexec does, so the survivor sees EPIPE instead of
  // blocking on a pipe nobody drains.
  for (const stream of [receiverChild.stdin, senderChild.stdin]) stream.on('error', () => {});
  receiverChild.on('exit', () => senderChild.stdout.destroy());
  senderChild.on('exit', () => receiverChild.stdout.destroy());
  const collect = (child: typeof senderChild) =>
    new Promise<{ status: number | null; stderr: string }>((resolve) => {
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (status) => resolve({ status, stderr }));
    });
  const timer = setTimeout(() => {
    senderChild.kill('SIGKILL');
    receiverChild.kill('SIGKILL');
  }, timeoutMs);
  const [senderDone, receiverDone] = await Promise.all([collect(senderChild), collect(receiverChild)]);
  clearTimeout(timer);
  return { sender: senderDone, receiver: receiverDone };
}
