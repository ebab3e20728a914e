// Test helper: loads the golden protocol fixtures from ../tests/protocol (node only).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const FIXTURE_ROOT = resolve(import.meta.dirname, '../../../tests/protocol');

export function loadFixtures(dir: string): Array<{ file: string; data: Record<string, unknown> }> {
    const full = join(FIXTURE_ROOT, dir);
    return readdirSync(full)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((file) => ({ file, data: JSON.parse(readFileSync(join(full, file), 'utf8')) as Record<string, unknown> }));
}
