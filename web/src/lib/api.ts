// The REST side: sign-in (POST /api/v1/login), same origin as the page.

export interface LoginSuccess {
    token: string;
    expires_at: number;
    participant: { id: string; name: string; role: string };
    event: { id: string; name: string; public: boolean };
}

// A failed sign-in: `code` is the server's code (login_failed, kicked, rate_limited, bad_field…)
// or `network` / `bad_response` when no usable answer came back.
export class LoginError extends Error {
    override readonly name = 'LoginError';
    constructor(
        readonly code: string,
        message: string,
        readonly status: number,
        readonly retryAfterSeconds: number | null = null,
    ) {
        super(message);
    }
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseSuccess(body: unknown): LoginSuccess | null {
    if (!isRecord(body) || typeof body['token'] !== 'string') return null;
    const p = body['participant'];
    const e = body['event'];
    if (typeof body['expires_at'] !== 'number' || !isRecord(p) || !isRecord(e)) return null;
    if (typeof p['id'] !== 'string' || typeof p['name'] !== 'string' || typeof p['role'] !== 'string') {
        return null;
    }
    if (typeof e['id'] !== 'string' || typeof e['name'] !== 'string') return null;
    return {
        token: body['token'],
        expires_at: body['expires_at'],
        participant: { id: p['id'], name: p['name'], role: p['role'] },
        event: { id: e['id'], name: e['name'], public: e['public'] === true },
    };
}

export async function login(
    eventId: string,
    participantId: string,
    accessKey?: string,
    fetchImpl: FetchLike = (input, init) => fetch(input, init),
): Promise<LoginSuccess> {
    const body: Record<string, string> = { event_id: eventId, participant_id: participantId };
    if (accessKey !== undefined && accessKey !== '') {
        body['access_key'] = accessKey;
    }
    let res: Response;
    try {
        res = await fetchImpl('/api/v1/login', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(body),
        });
    } catch {
        throw new LoginError('network', 'Could not reach the server.', 0);
    }
    let json: unknown = null;
    try {
        json = await res.json();
    } catch {
        json = null;
    }
    if (res.ok) {
        const ok = parseSuccess(json);
        if (!ok) throw new LoginError('bad_response', 'The server sent an unexpected answer.', res.status);
        return ok;
    }
    const err = isRecord(json) && isRecord(json['error']) ? json['error'] : {};
    const code = typeof err['code'] === 'string' ? err['code'] : `http_${res.status}`;
    const message = typeof err['message'] === 'string' ? err['message'] : `Sign-in failed (${res.status}).`;
    const retry = Number.parseInt(res.headers.get('Retry-After') ?? '', 10);
    throw new LoginError(code, message, res.status, Number.isFinite(retry) ? retry : null);
}

// The realtime endpoint for this page's origin.
export function liveUrl(eventId: string, loc: { protocol: string; host: string } = location): string {
    const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${scheme}//${loc.host}/api/v1/live?e=${encodeURIComponent(eventId)}`;
}

// e and p from the page's query string.
export function linkParams(search: string = location.search): { eventId: string; participantId: string } {
    const q = new URLSearchParams(search);
    return { eventId: q.get('e') ?? '', participantId: q.get('p') ?? '' };
}
