import { describe, expect, it } from 'vitest';
import { linkParams, liveUrl, login, LoginError, type FetchLike } from './api';

function reply(status: number, body: unknown, headers: Record<string, string> = {}): FetchLike {
    return async () => new Response(JSON.stringify(body), { status, headers });
}

describe('login', () => {
    it('posts the ids (and the key only when given) and returns the session', async () => {
        let sent: unknown = null;
        const ok = {
            token: 't', expires_at: 5, participant: { id: 'p', name: 'Ada', role: 'attendee' },
            event: { id: 'e', name: 'Town Hall', public: true },
        };
        const fetchImpl: FetchLike = async (url, init) => {
            expect(url).toBe('/api/v1/login');
            sent = JSON.parse(init.body as string);
            return new Response(JSON.stringify(ok), { status: 200 });
        };
        await expect(login('e', 'p', undefined, fetchImpl)).resolves.toEqual(ok);
        expect(sent).toEqual({ event_id: 'e', participant_id: 'p' });
        await login('e', 'p', 'k', fetchImpl);
        expect(sent).toEqual({ event_id: 'e', participant_id: 'p', access_key: 'k' });
    });

    it('turns 401 and 429 into typed errors', async () => {
        const bad = login('e', 'p', 'k', reply(401, { error: { code: 'login_failed', message: 'Wrong key.' } }));
        await expect(bad).rejects.toBeInstanceOf(LoginError);
        await expect(bad).rejects.toMatchObject({ code: 'login_failed', message: 'Wrong key.', status: 401 });
        const limited = login('e', 'p', 'k', reply(429, { error: { code: 'rate_limited', message: 'Wait.' } }, { 'Retry-After': '7' }));
        await expect(limited).rejects.toMatchObject({ code: 'rate_limited', retryAfterSeconds: 7 });
    });

    it('reports an ended event (410) with its code, so apps can say so', async () => {
        const ended = login('e', 'p', undefined, reply(410, { error: { code: 'event_ended', message: 'This event has ended.' } }));
        await expect(ended).rejects.toMatchObject({ code: 'event_ended', status: 410 });
    });

    it('reports a network failure', async () => {
        const down: FetchLike = async () => {
            throw new TypeError('fetch failed');
        };
        await expect(login('e', 'p', undefined, down)).rejects.toMatchObject({ code: 'network' });
    });
});

describe('URLs', () => {
    it('uses wss behind TLS', () => {
        expect(liveUrl('a b', { protocol: 'https:', host: 'x.org' })).toBe('wss://x.org/api/v1/live?e=a%20b');
        expect(liveUrl('e', { protocol: 'http:', host: 'localhost:8080' })).toBe('ws://localhost:8080/api/v1/live?e=e');
    });
    it('reads e and p from the link', () => {
        expect(linkParams('?e=ev&p=pp')).toEqual({ eventId: 'ev', participantId: 'pp' });
    });
});
