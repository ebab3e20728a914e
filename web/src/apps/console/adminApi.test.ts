import { describe, expect, it } from 'vitest';
import { AdminApi, type EventInfo, type FetchLike } from './adminApi';
import { endedText } from './EventView';
import { S } from './strings';

const EVENT: EventInfo = {
    id: 'town-hall-k3m9qz',
    name: 'Town hall',
    public: false,
    base_url: 'https://events.example.org',
    created_at: 1_700_000_000_000,
    ended_at: null,
    viewer_url: null,
    hls_url: 'https://events.example.org/hls/town-hall-k3m9qz/index.m3u8',
};

describe('ending an event from the console', () => {
    it('posts to /end with the admin token and returns the ended event', async () => {
        const calls: Array<{ url: string; init: RequestInit }> = [];
        const fetchImpl: FetchLike = async (url, init) => {
            calls.push({ url, init });
            return new Response(JSON.stringify({ ...EVENT, ended_at: 1_700_000_360_000 }), { status: 200 });
        };
        const ended = await new AdminApi('admin-tok', fetchImpl).endEvent(EVENT.id);
        expect(ended.ended_at).toBe(1_700_000_360_000);
        expect(calls).toHaveLength(1);
        expect(calls[0]?.url).toBe('/api/v1/admin/events/town-hall-k3m9qz/end');
        expect(calls[0]?.init.method).toBe('POST');
        expect((calls[0]?.init.headers as Record<string, string>)['Authorization']).toBe('Bearer admin-tok');
    });

    it('turns an unknown event into an AdminError with the server code', async () => {
        const fetchImpl: FetchLike = async () =>
            new Response(JSON.stringify({ error: { code: 'unknown_event', message: 'There is no such event.' } }), { status: 404 });
        await expect(new AdminApi('t', fetchImpl).endEvent('nope')).rejects.toMatchObject({ code: 'unknown_event', status: 404 });
    });

    it('says when it ended, and the confirmation says what ending means', () => {
        const at = 1_700_000_360_000;
        expect(endedText(at)).toBe(`Ended at ${new Date(at).toLocaleString()}`);
        expect(S.endConfirm).toBe('Everyone is disconnected and cannot rejoin. This cannot be undone.');
    });
});
