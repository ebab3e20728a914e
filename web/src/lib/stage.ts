// Pure reducers that fold stream events into what an app shows (protocol.md "Server events").
import type { AttendeeView, BroadcastState, MediaPlan, ModerationEvent, NoticeEvent, OnlineView, StreamEvent } from './protocol';

export interface StageView {
    me: AttendeeView | null; // the attendee's own status; null for staff
    attendees: AttendeeView[]; // staff: everyone not watching, in server order (oldest first)
    online: OnlineView[];
    notices: NoticeEvent[]; // newest last
    moderation: ModerationEvent[]; // newest last
    revoked: string | null; // reason, once the session is over
    names: Record<string, string>; // every attendee name seen, so a notice can say who it is about
    media: MediaPlan | null; // the latest media plan; null until the server sends one
    broadcast: BroadcastState | null; // the latest broadcast state; null until the server sends one
}

export const EMPTY_STAGE: StageView = {
    me: null,
    attendees: [],
    online: [],
    notices: [],
    moderation: [],
    revoked: null,
    names: {},
    media: null,
    broadcast: null,
};

const KEEP = 20;

function upsertAttendee(list: AttendeeView[], a: AttendeeView): AttendeeView[] {
    if (a.state === 'watching' || a.state === 'kicked') return list.filter((x) => x.id !== a.id);
    const i = list.findIndex((x) => x.id === a.id);
    if (i < 0) return [...list, a];
    const copy = list.slice();
    copy[i] = a;
    return copy;
}

function withNames(names: Record<string, string>, people: AttendeeView[]): Record<string, string> {
    const fresh = people.filter((p) => p.name !== '' && names[p.id] !== p.name);
    if (fresh.length === 0) return names;
    const out = { ...names };
    for (const p of fresh) out[p.id] = p.name;
    return out;
}

export function reduceStage(view: StageView, ev: StreamEvent): StageView {
    switch (ev.type) {
        case 'snapshot':
            return {
                ...view,
                me: ev.me,
                attendees: ev.attendees,
                online: ev.online,
                names: withNames(view.names, ev.me ? [ev.me, ...ev.attendees] : ev.attendees),
            };
        case 'status': {
            const names = withNames(view.names, [ev.attendee]);
            if (view.me && view.me.id === ev.attendee.id) return { ...view, me: ev.attendee, names };
            return { ...view, attendees: upsertAttendee(view.attendees, ev.attendee), names };
        }
        case 'notice':
            return { ...view, notices: [...view.notices, ev].slice(-KEEP) };
        case 'presence': {
            const others = view.online.filter((o) => o.id !== ev.participant_id);
            const online = ev.online
                ? [...others, { id: ev.participant_id, name: ev.name, role: ev.role, on_air: ev.on_air }]
                : others;
            return { ...view, online };
        }
        case 'on_air':
            return {
                ...view,
                online: view.online.map((o) => (o.id === ev.moderator_id ? { ...o, on_air: ev.on_air } : o)),
            };
        case 'moderation':
            return { ...view, moderation: [...view.moderation, ev].slice(-KEEP) };
        case 'revoked':
            return { ...view, revoked: ev.reason };
        case 'media': {
            const { type: _type, ...plan } = ev;
            return { ...view, media: plan };
        }
        case 'broadcast': {
            const { type: _type, ...state } = ev;
            return { ...view, broadcast: state };
        }
        case 'unknown':
            return view;
    }
}

// Whether a participant is currently muted / has video off, from the moderation events seen.
export function mediaFlags(events: ModerationEvent[], participantId: string): { muted: boolean; videoOff: boolean } {
    let muted = false;
    let videoOff = false;
    for (const e of events) {
        if (e.participant_id !== participantId) continue;
        if (e.kind === 'mute') muted = true;
        if (e.kind === 'unmute') muted = false;
        if (e.kind === 'video_off') videoOff = true;
        if (e.kind === 'video_on') videoOff = false;
    }
    return { muted, videoOff };
}

// "3 min", "45 s": a short age for lists.
export function formatAge(ms: number): string {
    const s = Math.max(0, Math.floor(ms / 1000));
    if (s < 60) return `${s} s`;
    const m = Math.floor(s / 60);
    if (m < 60) return `${m} min`;
    return `${Math.floor(m / 60)} h ${m % 60} min`;
}
