// Turning the people an event was created with (keys included, shown once) into the files the
// organiser downloads: the same columns as the CLI's <event>_links.csv, and JSON.
import type { People, PersonLink } from './adminApi';

const FIXED = ['role', 'full_name', 'email', 'eventId', 'attendeeId', 'access_url', 'access_key'];

// One RFC 4180 field: quoted only when it holds a comma, quote, CR, LF or edge spaces.
export function csvField(value: string): string {
    if (/[",\r\n]/.test(value) || value !== value.trim()) {
        return `"${value.replaceAll('"', '""')}"`;
    }
    return value;
}

export function everyone(people: People): PersonLink[] {
    return [...people.attendees, ...people.moderators, ...people.talent];
}

// The fixed columns, then every roster column of anyone, in order of first appearance.
export function linksCsv(people: People): string {
    const rows = everyone(people);
    const extra: string[] = [];
    for (const p of rows) {
        for (const k of Object.keys(p)) {
            if (!FIXED.includes(k) && !extra.includes(k)) extra.push(k);
        }
    }
    const columns = [...FIXED, ...extra];
    const lines = [columns.map(csvField).join(',')];
    for (const p of rows) {
        lines.push(columns.map((c) => csvField(p[c] ?? '')).join(','));
    }
    return lines.join('\r\n') + '\r\n';
}

export function linksJson(people: People): string {
    return JSON.stringify(people, null, 2) + '\n';
}

// Offers `text` as a file download (browser only).
export function download(fileName: string, text: string, type: string): void {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
}
