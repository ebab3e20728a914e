import { describe, expect, it } from 'vitest';
import { eventFromSearch, requestViewerToken, type FetchLike } from './watchApi';

const answer =
    (status: number, body: unknown): FetchLike =>
    async () =>
        new Response(JSON.stringify(body), { status });

describe('viewer token', () => {
    it('reads the event from ?e=', () => {
        expect(eventFromSearch('?e=town-hall-k3m9qz')).toBe('town-hall-k3m9qz');
        expect(eventFromSearch('')).toBe('');
    });

    it('gets a ticket for a public event', async () => {
        const r = await requestViewerToken('open-day-abcdef', answer(200, { token: 'v1.a.b', expires_at: 5, event: { id: 'open-day-abcdef', name: 'Open day', public: true } }));
        expect(r).toEqual({ kind: 'ok', ticket: { token: 'v1.a.b', expiresAt: 5, event: { id: 'open-day-abcdef', name: 'Open day' } } });
    });

    it('treats unknown and private events alike, and a missing id as a bad link', async () => {
        const r = await requestViewerToken('board-abcdef', answer(404, { error: { code: 'not_found', message: 'x' } }));
        expect(r.kind).toBe('not_watchable');
        expect((await requestViewerToken('', answer(200, {}))).kind).toBe('bad_link');
    });

    it('says so when the event has ended (410)', async () => {
        const r = await requestViewerToken('open-day-abcdef', answer(410, { error: { code: 'event_ended', message: 'This event has ended.' } }));
        expect(r).toEqual({ kind: 'ended' });
    });

    it('reports an unreachable server', async () => {
        const down: FetchLike = async () => {
            throw new TypeError('offline');
        };
        expect(await requestViewerToken('x-abcdef', down)).toEqual({ kind: 'failed', message: 'network' });
    });
});
