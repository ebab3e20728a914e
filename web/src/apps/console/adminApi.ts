// The console's client for the admin API (/api/v1/admin, docs/openapi.yaml). Every call sends
// the admin token as a bearer token; failures become AdminError with the server's stable code.

import { parseBroadcastView, ProtocolError, type BroadcastState } from '../../lib/protocol';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface EventInfo {
    id: string;
    name: string;
    public: boolean;
    base_url: string;
    created_at: number;
    ended_at: number | null; // set once the event was ended; final
    viewer_url: string | null;
    hls_url: string;
    counts?: { attendees: number; moderators: number; talent: number };
    stage?: Record<string, number>;
}

// One person as in the CLI's JSON files: fixed fields, then the roster's own columns.
export type PersonLink = Record<string, string | null> & {
    full_name: string;
    attendeeId: string;
    role: string;
    access_url: string;
};

export interface People {
    attendees: PersonLink[];
    moderators: PersonLink[];
    talent: PersonLink[];
}

export interface EventWithPeople {
    event: EventInfo;
    people: People;
}

export interface ParticipantRow {
    id: string;
    name: string;
    email: string;
    role: string;
    access_url: string;
    stage: { state: string; moderator_id: string | null; question: string | null } | null;
}

export interface AuditRow {
    seq: number;
    at: number;
    actor_id: string;
    action: string;
    subject_id: string;
    from_state: string;
    to_state: string;
    detail: string;
}

export interface Page<T> {
    items: T[];
    next: string | null;
}

export interface NewEvent {
    name: string;
    base_url: string;
    public: boolean;
    attendees_csv: string;
    moderators_csv: string;
    talent_csv: string;
}

// An RTMP destination as the admin API lists it: the stream key never comes back whole.
export interface RtmpTarget {
    id: string;
    name: string;
    url_redacted: string;
    created_at: number;
}

// `code` is the server's (unauthenticated, admin_disabled, csv_unterminated_quote…) or
// `network` / `bad_response`. Import errors also say where: file, line, column.
export class AdminError extends Error {
    override readonly name = 'AdminError';
    constructor(
        readonly code: string,
        message: string,
        readonly status: number,
        readonly where: { file: string; line: number; column: number } | null = null,
    ) {
        super(message);
    }
}

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function errorFrom(status: number, body: unknown): AdminError {
    const err = isRecord(body) && isRecord(body['error']) ? body['error'] : {};
    const code = typeof err['code'] === 'string' ? err['code'] : `http_${status}`;
    const message = typeof err['message'] === 'string' ? err['message'] : `The server answered ${status}.`;
    const where =
        typeof err['file'] === 'string' && typeof err['line'] === 'number' && typeof err['column'] === 'number'
            ? { file: err['file'], line: err['line'], column: err['column'] }
            : null;
    return new AdminError(code, message, status, where);
}

export class AdminApi {
    constructor(
        private readonly token: string,
        private readonly fetchImpl: FetchLike = (input, init) => fetch(input, init),
    ) {}

    private async call(method: string, path: string, body?: unknown): Promise<Response> {
        const headers: Record<string, string> = { Authorization: `Bearer ${this.token}` };
        const init: RequestInit = { method, headers };
        if (body !== undefined) {
            headers['Content-Type'] = 'application/json';
            init.body = JSON.stringify(body);
        }
        let res: Response;
        try {
            res = await this.fetchImpl(`/api/v1/admin${path}`, init);
        } catch {
            throw new AdminError('network', 'Could not reach the server.', 0);
        }
        if (!res.ok) {
            let json: unknown = null;
            try {
                json = await res.json();
            } catch {
                json = null;
            }
            throw errorFrom(res.status, json);
        }
        return res;
    }

    private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
        const res = await this.call(method, path, body);
        try {
            return (await res.json()) as T;
        } catch {
            throw new AdminError('bad_response', 'The server sent an unexpected answer.', res.status);
        }
    }

    async listEvents(): Promise<EventInfo[]> {
        return (await this.json<{ events: EventInfo[] }>('GET', '/events')).events;
    }

    getEvent(id: string): Promise<EventInfo> {
        return this.json<EventInfo>('GET', `/events/${encodeURIComponent(id)}`);
    }

    createEvent(event: NewEvent): Promise<EventWithPeople> {
        return this.json<EventWithPeople>('POST', '/events', event);
    }

    links(id: string): Promise<EventWithPeople> {
        return this.json<EventWithPeople>('GET', `/events/${encodeURIComponent(id)}/links?format=json`);
    }

    async linksCsv(id: string): Promise<string> {
        return (await this.call('GET', `/events/${encodeURIComponent(id)}/links?format=csv`)).text();
    }

    // Ends the event for good (everyone is disconnected, nobody can rejoin, its rooms go); the
    // answer is the event as getEvent shows it, with ended_at. Ending an ended event keeps the
    // first time.
    endEvent(id: string): Promise<EventInfo> {
        return this.json<EventInfo>('POST', `/events/${encodeURIComponent(id)}/end`);
    }

    rotateKeys(id: string): Promise<EventWithPeople> {
        return this.json<EventWithPeople>('POST', `/events/${encodeURIComponent(id)}/rotate-keys`);
    }

    async participants(id: string, opts: { role?: string; after?: string | null; limit?: number }): Promise<Page<ParticipantRow>> {
        const q = new URLSearchParams();
        if (opts.role) q.set('role', opts.role);
        if (opts.after) q.set('after', opts.after);
        q.set('limit', String(opts.limit ?? 100));
        const page = await this.json<{ participants: ParticipantRow[]; next: string | null }>(
            'GET',
            `/events/${encodeURIComponent(id)}/participants?${q.toString()}`,
        );
        return { items: page.participants, next: page.next };
    }

    async audit(id: string, opts: { after?: string | null; limit?: number }): Promise<Page<AuditRow>> {
        const q = new URLSearchParams();
        if (opts.after) q.set('after', opts.after);
        q.set('limit', String(opts.limit ?? 100));
        const page = await this.json<{ entries: AuditRow[]; next: number | null }>(
            'GET',
            `/events/${encodeURIComponent(id)}/audit?${q.toString()}`,
        );
        return { items: page.entries, next: page.next === null ? null : String(page.next) };
    }

    // RTMP targets of an event (/rtmp-targets): the URL with its stream key is sent once and
    // shown redacted afterwards.
    async rtmpTargets(id: string): Promise<RtmpTarget[]> {
        return (await this.json<{ targets: RtmpTarget[] }>('GET', `/events/${encodeURIComponent(id)}/rtmp-targets`)).targets;
    }

    async addRtmpTarget(id: string, target: { name: string; url: string }): Promise<void> {
        await this.call('POST', `/events/${encodeURIComponent(id)}/rtmp-targets`, target);
    }

    async removeRtmpTarget(id: string, target: string): Promise<void> {
        await this.call('DELETE', `/events/${encodeURIComponent(id)}/rtmp-targets/${encodeURIComponent(target)}`);
    }

    // The broadcast's staff view; start and stop answer 202 with the view as it is then.
    broadcast(id: string): Promise<BroadcastState> {
        return this.view('GET', `/events/${encodeURIComponent(id)}/broadcast`);
    }

    startBroadcast(id: string, record: boolean): Promise<BroadcastState> {
        return this.view('POST', `/events/${encodeURIComponent(id)}/broadcast/start`, record ? { record: true } : undefined);
    }

    stopBroadcast(id: string): Promise<BroadcastState> {
        return this.view('POST', `/events/${encodeURIComponent(id)}/broadcast/stop`);
    }

    private async view(method: string, path: string, body?: unknown): Promise<BroadcastState> {
        const raw = await this.json<unknown>(method, path, body);
        try {
            return parseBroadcastView(raw);
        } catch (err) {
            if (err instanceof ProtocolError) throw new AdminError('bad_response', `The server sent an unexpected answer: ${err.message}`, 200);
            throw err;
        }
    }
}
