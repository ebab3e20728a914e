// The public viewer's one call: POST /api/v1/watch {event_id} → a watch-only viewer token.
// An unknown and a private event answer alike (404 not_found), so the page cannot tell them
// apart either; it shows one friendly message for both.

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface WatchTicket {
    token: string;
    expiresAt: number;
    event: { id: string; name: string };
}

export type WatchResult =
    | { kind: 'ok'; ticket: WatchTicket }
    | { kind: 'bad_link' }
    | { kind: 'not_watchable' }
    | { kind: 'ended' } // 410 event_ended: the producer ended the event
    | { kind: 'failed'; message: string };

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function eventFromSearch(search: string): string {
    return (new URLSearchParams(search).get('e') ?? '').trim();
}

export async function requestViewerToken(
    eventId: string,
    fetchImpl: FetchLike = (input, init) => fetch(input, init),
): Promise<WatchResult> {
    if (eventId === '') return { kind: 'bad_link' };
    let res: Response;
    try {
        res = await fetchImpl('/api/v1/watch', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ event_id: eventId }),
        });
    } catch {
        return { kind: 'failed', message: 'network' };
    }
    let body: unknown = null;
    try {
        body = await res.json();
    } catch {
        body = null;
    }
    if (res.status === 404 || res.status === 400) return { kind: 'not_watchable' };
    if (res.status === 410) return { kind: 'ended' };
    if (!res.ok || !isRecord(body) || typeof body['token'] !== 'string' || !isRecord(body['event'])) {
        return { kind: 'failed', message: `http_${res.status}` };
    }
    const event = body['event'];
    return {
        kind: 'ok',
        ticket: {
            token: body['token'],
            expiresAt: typeof body['expires_at'] === 'number' ? body['expires_at'] : 0,
            event: { id: String(event['id'] ?? eventId), name: String(event['name'] ?? '') },
        },
    };
}
