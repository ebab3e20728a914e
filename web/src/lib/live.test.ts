import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLOSE_EVENT_ENDED, CommandError, isEventEnded, LiveClient, type WebSocketLike } from './live';
import type { StreamEvent } from './protocol';

// A fake WebSocket: records what the client sends and lets the test play the server.
class FakeSocket implements WebSocketLike {
    static all: FakeSocket[] = [];
    sent: Array<Record<string, unknown>> = [];
    closedWith: number | null = null;
    onopen: ((ev: unknown) => void) | null = null;
    onmessage: ((ev: { data: unknown }) => void) | null = null;
    onclose: ((ev: { code: number; reason?: string }) => void) | null = null;
    onerror: ((ev: unknown) => void) | null = null;
    constructor(readonly url: string) {
        FakeSocket.all.push(this);
    }
    send(data: string): void {
        this.sent.push(JSON.parse(data) as Record<string, unknown>);
    }
    close(code?: number): void {
        this.closedWith = code ?? 1000;
    }
    // server side
    open(): void {
        this.onopen?.({});
    }
    receive(msg: unknown): void {
        this.onmessage?.({ data: JSON.stringify(msg) });
    }
    drop(code: number): void {
        this.onclose?.({ code });
    }
    lastSent(): Record<string, unknown> {
        const last = this.sent[this.sent.length - 1];
        if (!last) throw new Error('nothing sent');
        return last;
    }
}

const WELCOME = {
    type: 'welcome',
    participant: { id: 'a1', name: 'Ada', role: 'attendee' },
    event: { id: 'ev', name: 'Town Hall', is_public: false, starts_at: null },
    seq: 0,
};
const ME = {
    id: 'a1', name: 'Ada', state: 'watching', moderator_id: null, moderator_name: null, question: null,
    raised_at: null, edited_at: null, invite_expires_at: null, updated_at: 0,
};

function socket(i: number): FakeSocket {
    const s = FakeSocket.all[i];
    if (!s) throw new Error(`no socket ${i}`);
    return s;
}

function makeClient(since = 0): { client: LiveClient; events: StreamEvent[]; states: string[] } {
    const client = new LiveClient({
        url: 'ws://x/api/v1/live?e=ev',
        token: 'tok',
        since,
        WebSocket: FakeSocket,
        pingIntervalMs: 0,
        random: () => 1,
    });
    const events: StreamEvent[] = [];
    const states: string[] = [];
    client.onEvent((e) => events.push(e));
    client.onState((s) => states.push(s));
    client.start();
    return { client, events, states };
}

function connect(s: FakeSocket, seqAfter = 3): void {
    s.open();
    s.receive({ ...WELCOME, seq: seqAfter });
    s.receive({ seq: seqAfter, type: 'snapshot', me: ME, attendees: [], online: [] });
}

beforeEach(() => {
    FakeSocket.all = [];
    vi.useFakeTimers();
});
afterEach(() => {
    vi.useRealTimers();
});

describe('LiveClient', () => {
    it('sends hello first with the token and since', () => {
        makeClient(41);
        const s = socket(0);
        expect(s.url).toBe('ws://x/api/v1/live?e=ev');
        expect(s.sent).toEqual([]);
        s.open();
        expect(s.sent).toEqual([{ type: 'hello', token: 'tok', since: 41 }]);
    });

    it('opens on welcome and tracks seq, ignoring duplicates', () => {
        const { client, events, states } = makeClient();
        connect(socket(0), 3);
        expect(states).toEqual(['connecting', 'open']);
        expect(client.welcome?.participant.name).toBe('Ada');
        expect(client.seq).toBe(3);
        socket(0).receive({ seq: 4, type: 'notice', kind: 'dismissed', subject_id: 'a1', text: 'Thanks' });
        socket(0).receive({ seq: 4, type: 'notice', kind: 'dismissed', subject_id: 'a1', text: 'Thanks' });
        socket(0).receive({ seq: 5, type: 'future_thing' });
        expect(client.seq).toBe(5);
        expect(events.map((e) => e.type)).toEqual(['snapshot', 'notice', 'unknown']);
    });

    it('resolves a command on ack and rejects it with the code on error', async () => {
        const { client } = makeClient();
        connect(socket(0));
        const raised = client.send({ type: 'raise', question: 'Why?' });
        const first = socket(0).lastSent();
        expect(first).toMatchObject({ type: 'raise', question: 'Why?' });
        const lowered = client.send({ type: 'lower' });
        const second = socket(0).lastSent();
        expect(second['id']).not.toBe(first['id']);
        socket(0).receive({ type: 'ack', id: first['id'] });
        socket(0).receive({ type: 'error', id: second['id'], code: 'no_hand_raised', message: 'No hand.' });
        await expect(raised).resolves.toEqual({ type: 'ack', id: first['id'] });
        await expect(lowered).rejects.toMatchObject({ code: 'no_hand_raised', message: 'No hand.' });
        await expect(lowered).rejects.toBeInstanceOf(CommandError);
    });

    it('resolves a media command with the whole ack', async () => {
        const { client } = makeClient();
        connect(socket(0));
        const sub = client.send({ type: 'subscribe', feed: 'f1' });
        const id = socket(0).lastSent()['id'];
        socket(0).receive({ type: 'ack', id, sub: 's9', sdp: 'v=0 offer' });
        await expect(sub).resolves.toEqual({ type: 'ack', id, sub: 's9', sdp: 'v=0 offer' });
    });

    it('applies every media plan as it comes, without touching the stream position', () => {
        const { client, events } = makeClient();
        connect(socket(0), 3);
        const plan = { type: 'media', epoch: 1, publish: [], screen: false, feeds: [], ice_servers: [] };
        socket(0).receive(plan);
        socket(0).receive({ ...plan, epoch: 2 });
        expect(client.seq).toBe(3);
        expect(events.map((e) => e.type)).toEqual(['snapshot', 'media', 'media']);
        socket(0).receive({ seq: 4, type: 'on_air', moderator_id: 'm', on_air: true });
        expect(client.seq).toBe(4); // the stream goes on from where it was
    });

    it('applies the broadcast state as it comes, without touching the stream position', () => {
        const { client, events } = makeClient();
        connect(socket(0), 3);
        socket(0).receive({ type: 'broadcast', state: 'starting', since: 1, hls_url: '/hls/e/index.m3u8' });
        socket(0).receive({ type: 'broadcast', state: 'live', since: 2, hls_url: '/hls/e/index.m3u8' });
        expect(client.seq).toBe(3);
        expect(events.map((e) => e.type)).toEqual(['snapshot', 'broadcast', 'broadcast']);
        socket(0).receive({ seq: 4, type: 'on_air', moderator_id: 'm', on_air: true });
        expect(client.seq).toBe(4);
    });

    it('rejects a command sent while not connected', async () => {
        const { client } = makeClient();
        await expect(client.send({ type: 'ping' })).rejects.toMatchObject({ code: 'disconnected' });
    });

    it('reconnects with backoff and resumes with since = the last seq', async () => {
        const { client, states } = makeClient();
        connect(socket(0), 3);
        socket(0).receive({ seq: 4, type: 'on_air', moderator_id: 'm', on_air: true });
        const pending = client.send({ type: 'ping' });
        socket(0).drop(1006);
        await expect(pending).rejects.toMatchObject({ code: 'disconnected' });
        expect(client.state).toBe('reconnecting');
        expect(FakeSocket.all).toHaveLength(1);
        vi.advanceTimersByTime(500);
        expect(FakeSocket.all).toHaveLength(2);
        socket(1).open();
        expect(socket(1).sent[0]).toEqual({ type: 'hello', token: 'tok', since: 4 });
        socket(1).receive({ ...WELCOME, seq: 5 });
        socket(1).receive({ seq: 5, type: 'on_air', moderator_id: 'm', on_air: false });
        expect(client.seq).toBe(5);
        expect(states).toEqual(['connecting', 'open', 'reconnecting', 'open']);
    });

    it('backs off exponentially while the server stays away', () => {
        makeClient();
        socket(0).drop(1006);
        vi.advanceTimersByTime(500);
        expect(FakeSocket.all).toHaveLength(2);
        socket(1).drop(1006);
        vi.advanceTimersByTime(999);
        expect(FakeSocket.all).toHaveLength(2);
        vi.advanceTimersByTime(1);
        expect(FakeSocket.all).toHaveLength(3);
    });

    it('stops for good on 4403 (kicked) and reports why', () => {
        const { client, events } = makeClient();
        connect(socket(0), 8);
        socket(0).receive({ seq: 9, type: 'revoked', reason: 'kicked' });
        socket(0).drop(4403);
        vi.advanceTimersByTime(60_000);
        expect(FakeSocket.all).toHaveLength(1);
        expect(client.state).toBe('closed');
        expect(client.closedInfo).toMatchObject({ code: 4403, errorCode: 'kicked' });
        expect(events.at(-1)?.type).toBe('revoked');
    });

    it('stops for good when the session was signed out (close 1000), in this tab or another', () => {
        const { client } = makeClient();
        connect(socket(0), 3);
        socket(0).receive({ seq: 4, type: 'revoked', reason: 'signed_out' });
        socket(0).drop(1000);
        vi.advanceTimersByTime(60_000);
        expect(FakeSocket.all).toHaveLength(1);
        expect(client.state).toBe('closed');
        expect(client.closedInfo).toMatchObject({ errorCode: 'signed_out' });
    });

    it('stops for good when the event ends (revoked event_ended, close 4410)', () => {
        const { client, events } = makeClient();
        connect(socket(0), 3);
        socket(0).receive({ seq: 4, type: 'revoked', reason: 'event_ended' });
        socket(0).drop(4410);
        vi.advanceTimersByTime(60_000);
        expect(FakeSocket.all).toHaveLength(1);
        expect(client.state).toBe('closed');
        expect(client.closedInfo).toMatchObject({ code: CLOSE_EVENT_ENDED, errorCode: 'event_ended' });
        expect(isEventEnded(client.closedInfo)).toBe(true);
        expect(events.at(-1)).toMatchObject({ type: 'revoked', reason: 'event_ended' });
    });

    it('stops for good when a hello is refused because the event has ended', () => {
        const { client } = makeClient();
        socket(0).open();
        socket(0).receive({ type: 'error', id: null, code: 'event_ended', message: 'This event has ended.' });
        socket(0).drop(4410);
        vi.advanceTimersByTime(60_000);
        expect(FakeSocket.all).toHaveLength(1);
        expect(client.closedInfo).toEqual({ code: 4410, errorCode: 'event_ended', message: 'This event has ended.' });
        expect(isEventEnded(client.closedInfo)).toBe(true);
    });

    it('treats a bare 4410 close as the end too, and nothing else as one', () => {
        const { client } = makeClient();
        connect(socket(0), 3);
        socket(0).drop(4410);
        vi.advanceTimersByTime(60_000);
        expect(FakeSocket.all).toHaveLength(1);
        expect(isEventEnded(client.closedInfo)).toBe(true);
        expect(isEventEnded(null)).toBe(false);
        expect(isEventEnded({ code: 4403, errorCode: 'kicked', message: null })).toBe(false);
        expect(isEventEnded({ code: 4401, errorCode: 'token_revoked', message: null })).toBe(false);
    });

    it('stops on 4401 after a refused hello', () => {
        const { client } = makeClient();
        socket(0).open();
        socket(0).receive({ type: 'error', id: null, code: 'token_expired', message: 'Expired.' });
        socket(0).drop(4401);
        vi.advanceTimersByTime(60_000);
        expect(FakeSocket.all).toHaveLength(1);
        expect(client.closedInfo).toEqual({ code: 4401, errorCode: 'token_expired', message: 'Expired.' });
    });

    it('resumes when it sees a gap in seq', () => {
        const { client } = makeClient();
        connect(socket(0), 3);
        socket(0).receive({ seq: 6, type: 'on_air', moderator_id: 'm', on_air: true });
        expect(client.seq).toBe(3);
        expect(socket(0).closedWith).toBe(4000);
        vi.advanceTimersByTime(500);
        socket(1).open();
        expect(socket(1).sent[0]).toMatchObject({ type: 'hello', since: 3 });
    });

    it('replaces its seq with a snapshot even if lower (server restarted)', () => {
        const { client } = makeClient(50);
        socket(0).open();
        socket(0).receive({ ...WELCOME, seq: 2 });
        socket(0).receive({ seq: 2, type: 'snapshot', me: ME, attendees: [], online: [] });
        expect(client.seq).toBe(2);
    });

    it('pings when quiet and resumes when the ack does not come', () => {
        const client = new LiveClient({
            url: 'ws://x', token: 'tok', WebSocket: FakeSocket, pingIntervalMs: 15_000, pingTimeoutMs: 10_000,
            random: () => 1,
        });
        client.start();
        connect(socket(0), 1);
        vi.advanceTimersByTime(15_000);
        expect(socket(0).lastSent()).toMatchObject({ type: 'ping' });
        vi.advanceTimersByTime(10_000);
        expect(client.state).toBe('reconnecting');
        client.stop();
    });

    it('stop() closes and never reconnects', () => {
        const { client } = makeClient();
        connect(socket(0));
        client.stop();
        expect(socket(0).closedWith).toBe(1000);
        socket(0).drop(1000);
        vi.advanceTimersByTime(60_000);
        expect(FakeSocket.all).toHaveLength(1);
        expect(client.state).toBe('closed');
    });
});
