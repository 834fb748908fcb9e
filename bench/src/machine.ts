// What the numbers were measured on, for the report: they mean little without the machine.
import { arch, cpus, platform, release } from 'node:os';
import type { MachineInfo } from './types.ts';

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown cpu',
    cpus: list.length,
    node: process.versions.node,
    platform: `${platform()} ${release()} ${arch()}`,
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
  };
}
