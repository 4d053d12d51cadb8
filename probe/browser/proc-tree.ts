/**
 * Processes as /proc shows them (Linux): the resident memory of a process and all its
 * descendants (a probe's Chromium is a dozen processes), and the Chromium processes
 * alive on the machine, for the pool's recycling and for the tests that count orphans.
 * Elsewhere these read nothing and say so with zeros.
 */
import { readdirSync, readFileSync } from 'node:fs'

const PAGE_BYTES = 4_096

export interface ProcessInfo {
  pid: number
  /** The executable's name, at most 15 characters. */
  comm: string
  /** R, S, D, Z (zombie: exited, not yet reaped), ... */
  state: string
  ppid: number
  pgrp: number
  rssBytes: number
}

/** One process from /proc/<pid>/stat, or undefined when it is gone. */
export function readProcess(pid: number): ProcessInfo | undefined {
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return undefined
  }
  // The name is in parentheses and may itself contain spaces or parentheses.
  const open = text.indexOf('(')
  const close = text.lastIndexOf(')')
  const comm = text.slice(open + 1, close)
  const fields = text.slice(close + 2).split(' ')
  return {
    pid,
    comm,
    state: fields[0] ?? '?',
    ppid: Number(fields[1]),
    pgrp: Number(fields[2]),
    rssBytes: Number(fields[21]) * PAGE_BYTES,
  }
}

/** Every process on the machine; empty where there is no /proc. */
export function listProcesses(): ProcessInfo[] {
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return []
  }
  const out: ProcessInfo[] = []
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue
    const info = readProcess(Number(entry))
    if (info) out.push(info)
  }
  return out
}

/** `root` and every process below it (children, their children, ...). */
export function descendants(root: number, processes = listProcesses()): ProcessInfo[] {
  const children = new Map<number, ProcessInfo[]>()
  for (const info of processes) {
    const list = children.get(info.ppid) ?? []
    list.push(info)
    children.set(info.ppid, list)
  }
  const self = processes.find((info) => info.pid === root)
  const out: ProcessInfo[] = self ? [self] : []
  const queue = [root]
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      out.push(child)
      queue.push(child.pid)
    }
  }
  return out
}

/** Resident bytes of `root` and its descendants (shared pages are counted in each). */
export function treeRssBytes(root: number): number {
  return descendants(root)
    .filter((info) => info.state !== 'Z')
    .reduce((sum, info) => sum + info.rssBytes, 0)
}

/**
 * Proportional set size of a process: its private memory plus its share of what it
 * shares with others. Summed over a tree it counts each shared page once, where RSS
 * counts it in every process that maps it. 0 when it cannot be read.
 */
export function pssBytes(pid: number): number {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))
    return match ? Number(match[1]) * 1_024 : 0
  } catch {
    return 0
  }
}

/** PSS of `root` and its descendants: the memory the tree really uses. */
export function treePssBytes(root: number): number {
  return descendants(root)
    .filter((info) => info.state !== 'Z')
    .reduce((sum, info) => sum + pssBytes(info.pid), 0)
}

/** Live (not zombie) Chromium processes: the browser, its helpers and crash handlers. */
export function chromiumProcesses(processes = listProcesses()): ProcessInfo[] {
  return processes.filter((info) => /^(chromium|chrome)/.test(info.comm) && info.state !== 'Z')
}
