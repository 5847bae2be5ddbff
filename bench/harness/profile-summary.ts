/**
 * Where a CPU profile's time goes, as markdown tables: self time by area (each benchmark names its own areas), self and
 * inclusive time by function, self time by file or package; idle time left out.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { CpuProfile, CpuProfileNode } from './inspector.ts';
import { ROOT } from './processes.ts';

/**
 * An area and what belongs to it: `file` is the frame's path from the repository (`dist/logs/…`), its package under
 * node_modules (`ws`, `@nestjs/common`) or Node's own module (`node:net`); `url` the frame's whole script URL.
 */
export type ProfileArea = [area: string, matches: (file: string, fn: string, url: string) => boolean];

/** How one benchmark reports its profiles. */
export interface ProfileReport {
  /** The files' prefix. */
  bench: string;
  /** A sample's time goes to the innermost frame of its stack that matches one of these, else to `rest`. */
  areas: ProfileArea[];
  rest: string;
  /** Rows of each table. */
  top: number;
}

export function readProfile(path: string): CpuProfile {
  return JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
}

/** Writes the profile as `<dir>/<bench>-<phase>-<time>.cpuprofile` and prints its summary, `note` first. */
export function writeProfile(
  dir: string,
  phase: string,
  profile: CpuProfile,
  report: ProfileReport,
  note?: string,
): void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${report.bench}-${phase}-${Date.now()}.cpuprofile`);
  writeFileSync(path, JSON.stringify(profile));
  console.log(`\n### CPU profile of the service: ${phase} (${path})\n${note === undefined ? '' : `\n${note}\n`}`);
  console.log(summarizeProfile(profile, report));
}

export function summarizeProfile(profile: CpuProfile, report: ProfileReport): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const where = (node: CpuProfileNode) => {
    const url = node.callFrame.url.replace(/^file:\/\//, '');
    if (!url) return '';
    const modules = url.lastIndexOf('/node_modules/');
    if (modules >= 0) {
      const parts = url.slice(modules + 14).split('/');
      return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
    }
    return url.startsWith('/') ? relative(ROOT, url) : url;
  };
  const keyOf = (node: CpuProfileNode) => {
    const file = where(node);
    const name = node.callFrame.functionName || '(anonymous)';
    return file ? `${name} ${file}:${node.callFrame.lineNumber + 1}` : name;
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const areas = new Map<string, number>();
  const files = new Map<string, number>();
  let busy = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const leaf = byId.get(profile.samples[i])!;
    const delta = profile.timeDeltas[i] ?? 0;
    if (leaf.callFrame.functionName === '(idle)') continue;
    busy += delta;
    const leafKey = keyOf(leaf);
    self.set(leafKey, (self.get(leafKey) ?? 0) + delta);
    const file = where(leaf) || leaf.callFrame.functionName;
    files.set(file, (files.get(file) ?? 0) + delta);
    let area: string | undefined;
    const seen = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const node = byId.get(id)!;
      area ??= report.areas.find(([, matches]) =>
        matches(where(node), node.callFrame.functionName, node.callFrame.url),
      )?.[0];
      const key = keyOf(node);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + delta);
    }
    area ??= report.rest;
    areas.set(area, (areas.get(area) ?? 0) + delta);
  }
  const wall = profile.endTime - profile.startTime;
  const table = (title: string, map: Map<string, number>) =>
    [
      `| ${title} | % of busy CPU | ms |`,
      '|---|---:|---:|',
      ...[...map]
        .filter(([key]) => key !== '(root)')
        .sort((a, b) => b[1] - a[1])
        .slice(0, report.top)
        .map(
          ([key, micros]) => `| \`${key}\` | ${((100 * micros) / busy).toFixed(1)} | ${(micros / 1000).toFixed(0)} |`,
        ),
    ].join('\n');
  return [
    `busy ${(busy / 1000).toFixed(0)} ms of ${(wall / 1000).toFixed(0)} ms (${((100 * busy) / wall).toFixed(0)} % of one core)`,
    '',
    table('self time, by area', areas),
    '',
    table('self time, by function', self),
    '',
    table('inclusive time, by function', inclusive),
    '',
    table('self time, by file or package', files),
  ].join('\n');
}
