/**
 * CPU time and peak memory of the processes a bench starts, read from Linux's /proc: utime + stime of every process
 * in a tree (the `sh` guard of spawnGuarded, the node or temporal process it runs, anything those start), and VmHWM
 * (peak resident set) of the tree's largest process. Linux only; elsewhere the figures are reported as unknown.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

let ticksPerSecond: number | undefined;

/** Clock ticks per second of /proc/<pid>/stat's times (CLK_TCK, 100 nearly everywhere). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

interface Stat {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime, seconds. */
  cpu: number;
  /** cutime + cstime: children already waited for, seconds. */
  reapedCpu: number;
}

function readStat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // comm is in parentheses and may contain spaces: split after the last ')'.
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const f = text.slice(close + 2).split(' '); // f[0] is field 3 (state)
  const tck = clockTicks();
  return {
    pid,
    ppid: Number(f[1]),
    comm,
    cpu: (Number(f[11]) + Number(f[12])) / tck,
    reapedCpu: (Number(f[13]) + Number(f[14])) / tck,
  };
}

function allPids(): number[] {
  try {
    return fs
      .readdirSync('/proc')
      .filter((n) => /^\d+$/.test(n))
      .map(Number);
  } catch {
    return [];
  }
}

/** `root` and every process below it, now. */
export function processTree(root: number): Stat[] {
  const stats = allPids()
    .map(readStat)
    .filter((s): s is Stat => s !== undefined);
  const children = new Map<number, Stat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const self = stats.find((s) => s.pid === root);
  if (!self) return [];
  const tree: Stat[] = [];
  const walk = (s: Stat) => {
    tree.push(s);
    for (const c of children.get(s.pid) ?? []) walk(c);
  };
  walk(self);
  return tree;
}

/** The first process (root included) whose command line contains every one of `parts`. */
export function findProcess(parts: string[], under?: number): number | undefined {
  const pids = under === undefined ? allPids() : processTree(under).map((s) => s.pid);
  for (const pid of pids) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (parts.every((p) => cmdline.includes(p))) return pid;
    } catch {
      // gone
    }
  }
  return undefined;
}

/** CPU seconds used so far by the tree under `root`: live processes plus the children they have reaped. */
export function treeCpuSeconds(root: number): number {
  return processTree(root).reduce((sum, s) => sum + s.cpu + s.reapedCpu, 0);
}

function statusField(pid: number, field: string): number | undefined {
  try {
    const line = fs
      .readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${field}:`));
    return line ? Number(line.split(/\s+/)[1]) * 1024 : undefined; // kB
  } catch {
    return undefined;
  }
}

/** Peak resident set (VmHWM) of each process in the tree, bytes: the largest one and the sum. */
export function treePeakRss(root: number): { largest: number; sum: number; comm: string } {
  let largest = 0;
  let sum = 0;
  let comm = '';
  for (const s of processTree(root)) {
    const hwm = statusField(s.pid, 'VmHWM') ?? 0;
    sum += hwm;
    if (hwm > largest) {
      largest = hwm;
      comm = s.comm;
    }
  }
  return { largest, sum, comm };
}

/** A process group to measure: a name and the pid its tree hangs from. */
export interface Measured {
  name: string;
  root: number;
}

export type CpuSnapshot = Map<string, number>;

export function cpuSnapshot(processes: Measured[]): CpuSnapshot {
  return new Map(processes.map((p) => [p.name, treeCpuSeconds(p.root)]));
}

export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

/** Resident set now (VmRSS) of the largest process in the tree, bytes (the node process under its tsx wrapper). */
export function treeRss(root: number): number {
  return Math.max(0, ...processTree(root).map((s) => statusField(s.pid, 'VmRSS') ?? 0));
}
