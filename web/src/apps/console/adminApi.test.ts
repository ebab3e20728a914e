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

describe('broadcast and RTMP targets from the console', () => {
    const VIEW = {
        state: 'starting', reason: '', since: 1_767_258_000_000, layout: 'auto', applied_layout: 'slate',
        hls_url: '/hls/town-hall-k3m9qz/index.m3u8', viewers: 0, recording: true, targets: [], on_program: [],
    };
    function recorder(status: number, body: unknown) {
        const calls: Array<{ url: string; init: RequestInit }> = [];
        const fetchImpl: FetchLike = async (url, init) => {
            calls.push({ url, init });
            return new Response(body === null ? null : JSON.stringify(body), { status });
        };
        return { calls, api: new AdminApi('admin-tok', fetchImpl) };
    }

    it('starts with {"record":true} only when recording, and reads the staff view', async () => {
        const { calls, api } = recorder(202, VIEW);
        const view = await api.startBroadcast(EVENT.id, true);
        expect(view).toEqual(VIEW);
        await api.startBroadcast(EVENT.id, false);
        await api.stopBroadcast(EVENT.id);
        await api.broadcast(EVENT.id);
        expect(calls.map((c) => [c.init.method, c.url, c.init.body ?? null])).toEqual([
            ['POST', '/api/v1/admin/events/town-hall-k3m9qz/broadcast/start', '{"record":true}'],
            ['POST', '/api/v1/admin/events/town-hall-k3m9qz/broadcast/start', null],
            ['POST', '/api/v1/admin/events/town-hall-k3m9qz/broadcast/stop', null],
            ['GET', '/api/v1/admin/events/town-hall-k3m9qz/broadcast', null],
        ]);
    });

    it('passes the server refusal on (409 broadcast_busy), and a malformed view is bad_response', async () => {
        const busy = recorder(409, { error: { code: 'broadcast_busy', message: 'The broadcast is already running.' } });
        await expect(busy.api.startBroadcast(EVENT.id, false)).rejects.toMatchObject({ code: 'broadcast_busy', status: 409 });
        const odd = recorder(200, { state: 'live' });
        await expect(odd.api.broadcast(EVENT.id)).rejects.toMatchObject({ code: 'bad_response' });
    });

    it('lists, adds and removes RTMP targets', async () => {
        const target = { id: 't1', name: 'YouTube', url_redacted: 'rtmp://a.rtmp.youtube.com/live2/****', created_at: 5 };
        const list = recorder(200, { targets: [target] });
        expect(await list.api.rtmpTargets(EVENT.id)).toEqual([target]);
        const add = recorder(201, target);
        await add.api.addRtmpTarget(EVENT.id, { name: 'YouTube', url: 'rtmp://a.rtmp.youtube.com/live2/key' });
        expect(add.calls[0]?.init.method).toBe('POST');
        expect(add.calls[0]?.url).toBe('/api/v1/admin/events/town-hall-k3m9qz/rtmp-targets');
        expect(JSON.parse(String(add.calls[0]?.init.body))).toEqual({ name: 'YouTube', url: 'rtmp://a.rtmp.youtube.com/live2/key' });
        const del = recorder(204, null);
        await del.api.removeRtmpTarget(EVENT.id, 't/1');
        expect(del.calls[0]?.init.method).toBe('DELETE');
        expect(del.calls[0]?.url).toBe('/api/v1/admin/events/town-hall-k3m9qz/rtmp-targets/t%2F1');
    });
});
