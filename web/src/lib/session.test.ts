import { describe, expect, it } from 'vitest';
import type { LoginSuccess } from './api';
import { restoreSession } from './session';

function memoryStorage(entries: Record<string, string>): Storage {
    const m = new Map(Object.entries(entries));
    return {
        get length() {
            return m.size;
        },
        clear: () => m.clear(),
        getItem: (k) => m.get(k) ?? null,
        key: (i) => [...m.keys()][i] ?? null,
        removeItem: (k) => void m.delete(k),
        setItem: (k, v) => void m.set(k, v),
    };
}

const session: LoginSuccess = {
    token: 'v1.x.y',
    expires_at: 2_000,
    participant: { id: 'p1', name: 'Mo', role: 'moderator' },
    event: { id: 'e1', name: 'Town hall', public: false },
};
const key = 'onstage.session.e1.p1';

describe('restoreSession (a reload keeps a staff member signed in)', () => {
    it('returns the kept session for the same link before it expires', () => {
        const storage = memoryStorage({ [key]: JSON.stringify(session) });
        expect(restoreSession(storage, 'e1', 'p1', 1_000)).toEqual(session);
    });

    it('ignores an expired session, another link and unreadable text', () => {
        expect(restoreSession(memoryStorage({ [key]: JSON.stringify(session) }), 'e1', 'p1', 2_000)).toBeNull();
        const other = { ...session, participant: { ...session.participant, id: 'p2' } };
        expect(restoreSession(memoryStorage({ [key]: JSON.stringify(other) }), 'e1', 'p1', 1_000)).toBeNull();
        expect(restoreSession(memoryStorage({ [key]: '{not json' }), 'e1', 'p1', 1_000)).toBeNull();
        expect(restoreSession(memoryStorage({}), 'e1', 'p1', 1_000)).toBeNull();
        expect(restoreSession(null, 'e1', 'p1', 1_000)).toBeNull();
    });
});
