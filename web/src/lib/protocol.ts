// The realtime protocol of /api/v1/live (docs/protocol.md): typed commands and server messages,
// a validating parser for what the server sends and an encoder for what the client sends.

// ---- Shared views ----

export type AttendeeState =
    | 'watching'
    | 'hand_raised'
    | 'queued'
    | 'invited'
    | 'interviewing'
    | 'holding'
    | 'live'
    | 'kicked';

export type Role = 'attendee' | 'moderator' | 'talent';

export interface AttendeeView {
    id: string;
    name: string;
    // Unknown future states are kept as text so a newer server does not break the client.
    state: AttendeeState | (string & {});
    moderator_id: string | null;
    moderator_name: string | null;
    question: string | null;
    raised_at: number | null;
    edited_at: number | null;
    invite_expires_at: number | null;
    updated_at: number;
}

export interface OnlineView {
    id: string;
    name: string;
    role: string;
    on_air: boolean;
}

// ---- Client commands ----

export interface HelloCommand {
    type: 'hello';
    token: string;
    since: number;
}

type Id = { id: string };

// ---- Media (protocol.md "Media") ----

export type MediaRoom = 'interview' | 'holding' | 'stage';
export type MediaSource = 'camera' | 'screen';

// One ICE candidate as the browser gathered it (RTCIceCandidateInit, the members the server reads).
export interface CandidateInit {
    candidate: string;
    sdpMid: string | null;
    sdpMLineIndex: number | null;
}

// Size limits the server enforces on media commands (bytes of UTF-8; the client checks first).
export const MEDIA_LIMITS = { sdp: 60000, id: 64, candidate: 1024 } as const;

// Codes a media command may be refused with.
export const MEDIA_ERROR_CODES = [
    'media_not_allowed',
    'already_publishing',
    'media_unavailable',
    'media_failed',
    'feed_not_visible',
    'unknown_subscription',
] as const;
export type MediaErrorCode = (typeof MEDIA_ERROR_CODES)[number];

// ---- Broadcast (protocol.md "Broadcast") ----

export const BROADCAST_STATES = ['idle', 'starting', 'live', 'stopping', 'failed'] as const;
export type BroadcastStateName = (typeof BROADCAST_STATES)[number];
// What a moderator may ask for (set_layout); `auto` lets the compositor choose by who is live.
export const LAYOUT_CHOICES = ['auto', 'solo', 'side_by_side', 'grid', 'focus'] as const;
export type LayoutChoice = (typeof LAYOUT_CHOICES)[number];
// What the compositor may have applied (adds the slate shown while nobody is live).
export type AppliedLayout = LayoutChoice | 'slate';

export const BROADCAST_ERROR_CODES = ['not_allowed', 'broadcast_busy', 'broadcast_not_live', 'media_unavailable', 'bad_field'] as const;

// One RTMP destination's health as the staff see it.
export interface BroadcastTarget {
    id: string;
    name: string;
    state: 'connecting' | 'live' | 'retrying' | 'failed' | (string & {});
    error: string;
}

// The broadcast as the server last described it; attendees get these members only.
export interface BroadcastBase {
    // Unknown future states are kept as text so a newer server does not break the client.
    state: BroadcastStateName | (string & {});
    since: number;
    hls_url: string;
}

// The members only moderators and talent receive (and the admin REST view carries).
export interface BroadcastStaffMembers {
    reason: string;
    layout: LayoutChoice | (string & {});
    applied_layout: AppliedLayout | (string & {});
    viewers: number;
    recording: boolean;
    targets: BroadcastTarget[];
    on_program: string[]; // participant ids in the program, in the compositor's order
}
export type BroadcastStaffView = BroadcastBase & BroadcastStaffMembers;

// Flat, as on the wire: the staff members are all there or none is.
export type BroadcastState = BroadcastBase | BroadcastStaffView;

export function staffView(b: BroadcastState | null | undefined): BroadcastStaffView | null {
    return b && 'viewers' in b ? b : null;
}

type AttendeeTarget = Id & { attendee_id: string };
type ParticipantTarget = Id & { participant_id: string };

export type Command =
    | ({ type: 'ping' } & Id)
    | ({ type: 'raise'; question: string } & Id)
    | ({ type: 'edit_question'; question: string } & Id)
    | ({ type: 'lower' } & Id)
    | ({ type: 'accept' } & Id)
    | ({ type: 'decline' } & Id)
    | ({ type: 'end_interview'; attendee_id?: string } & Id)
    | ({ type: 'claim' } & AttendeeTarget)
    | ({ type: 'release' } & AttendeeTarget)
    | ({ type: 'dismiss' } & AttendeeTarget)
    | ({ type: 'invite' } & AttendeeTarget)
    | ({ type: 'cancel_invite' } & AttendeeTarget)
    | ({ type: 'approve' } & AttendeeTarget)
    | ({ type: 'reject' } & AttendeeTarget)
    | ({ type: 'promote' } & AttendeeTarget)
    | ({ type: 'demote' } & AttendeeTarget)
    | ({ type: 'remove' } & AttendeeTarget)
    | ({ type: 'kick'; reason?: string } & AttendeeTarget)
    | ({ type: 'mute' } & ParticipantTarget)
    | ({ type: 'unmute' } & ParticipantTarget)
    | ({ type: 'video_off' } & ParticipantTarget)
    | ({ type: 'video_on' } & ParticipantTarget)
    | ({ type: 'set_on_air'; on_air: boolean } & Id)
    | ({ type: 'sign_out' } & Id)
    | ({ type: 'publish'; room: string; source: MediaSource; sdp: string } & Id)
    | ({ type: 'unpublish'; room: string; source: MediaSource } & Id)
    | ({ type: 'subscribe'; feed: string } & Id)
    | ({ type: 'answer'; sub: string; sdp: string } & Id)
    | ({ type: 'unsubscribe'; sub: string } & Id)
    | ({ type: 'trickle'; target: string; candidate: CandidateInit | null } & Id)
    | ({ type: 'broadcast_start' } & Id)
    | ({ type: 'broadcast_stop' } & Id)
    | ({ type: 'set_layout'; layout: LayoutChoice; focus?: string } & Id);

export type CommandType = Command['type'];

// A command as the app writes it: the LiveClient adds the id.
type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
export type CommandBody = DistributiveOmit<Command, 'id'>;

// The members each command may carry, in wire order after type and id. The encoder writes
// exactly these (and drops optional ones that are undefined or null).
export const COMMAND_MEMBERS: Readonly<Record<CommandType | 'hello', readonly string[]>> = {
    hello: ['token', 'since'],
    ping: [],
    raise: ['question'],
    edit_question: ['question'],
    lower: [],
    accept: [],
    decline: [],
    end_interview: ['attendee_id'],
    claim: ['attendee_id'],
    release: ['attendee_id'],
    dismiss: ['attendee_id'],
    invite: ['attendee_id'],
    cancel_invite: ['attendee_id'],
    approve: ['attendee_id'],
    reject: ['attendee_id'],
    promote: ['attendee_id'],
    demote: ['attendee_id'],
    remove: ['attendee_id'],
    kick: ['attendee_id', 'reason'],
    mute: ['participant_id'],
    unmute: ['participant_id'],
    video_off: ['participant_id'],
    video_on: ['participant_id'],
    set_on_air: ['on_air'],
    sign_out: [],
    publish: ['room', 'source', 'sdp'],
    unpublish: ['room', 'source'],
    subscribe: ['feed'],
    answer: ['sub', 'sdp'],
    unsubscribe: ['sub'],
    trickle: ['target', 'candidate'],
    broadcast_start: [],
    broadcast_stop: [],
    set_layout: ['layout', 'focus'],
};

// Members whose null is meaningful and therefore sent (trickle: null = gathering complete).
const NULL_MEMBERS: Readonly<Partial<Record<CommandType, readonly string[]>>> = { trickle: ['candidate'] };

// Encodes a command (or hello) as one text frame.
export function encodeCommand(cmd: Command | HelloCommand): string {
    const source = cmd as unknown as Record<string, unknown>;
    const out: Record<string, unknown> = { type: cmd.type };
    if (cmd.type !== 'hello') {
        out['id'] = cmd.id;
    }
    const keepNull = cmd.type === 'hello' ? undefined : NULL_MEMBERS[cmd.type];
    for (const member of COMMAND_MEMBERS[cmd.type]) {
        const value = source[member];
        if (value !== undefined && (value !== null || keepNull?.includes(member))) {
            out[member] = value;
        }
    }
    return JSON.stringify(out);
}

// ---- Server messages ----

export interface WelcomeMessage {
    type: 'welcome';
    participant: { id: string; name: string; role: string };
    event: { id: string; name: string; is_public: boolean; starts_at: number | null };
    seq: number;
}
// An ack; media commands' acks carry more: publish → sdp (Janus' answer) and feed, subscribe →
// sub and sdp (Janus' offer). Members are present only when the server sent them.
export interface AckMessage {
    type: 'ack';
    id: string;
    sdp?: string;
    feed?: string;
    sub?: string;
}
export interface ErrorMessage {
    type: 'error';
    id: string | null;
    code: string;
    message: string;
}
export interface SnapshotEvent {
    seq: number;
    type: 'snapshot';
    me: AttendeeView | null;
    attendees: AttendeeView[];
    online: OnlineView[];
}
export interface StatusEvent {
    seq: number;
    type: 'status';
    attendee: AttendeeView;
}
export interface NoticeEvent {
    seq: number;
    type: 'notice';
    kind: string;
    subject_id: string;
    text: string;
}
export interface PresenceEvent {
    seq: number;
    type: 'presence';
    participant_id: string;
    name: string;
    role: string;
    online: boolean;
    on_air: boolean;
}
export interface ModerationEvent {
    seq: number;
    type: 'moderation';
    participant_id: string;
    kind: string;
    by: string;
    by_name: string;
}
export interface OnAirEvent {
    seq: number;
    type: 'on_air';
    moderator_id: string;
    on_air: boolean;
}
export interface RevokedEvent {
    seq: number;
    type: 'revoked';
    reason: string;
}
// One feed a participant should show (never its own).
export interface FeedView {
    feed: string;
    participant_id: string;
    name: string;
    role: string;
    room: MediaRoom | (string & {});
    source: MediaSource | (string & {});
    audio_muted: boolean;
    video_muted: boolean;
}
export interface IceServer {
    urls: string | string[];
    username?: string;
    credential?: string;
}
// What the recipient should publish and show right now; the latest replaces the previous.
export interface MediaPlan {
    epoch: number;
    publish: string[];
    screen: boolean;
    feeds: FeedView[];
    ice_servers: IceServer[];
}
// The plan is state, not a stream event: it has no seq and is never replayed (protocol.md).
export interface MediaEvent extends MediaPlan {
    type: 'media';
}
// The broadcast's state: like `media`, no seq and never replayed; sent after welcome and on
// every change.
export type BroadcastEvent = { type: 'broadcast' } & BroadcastState;
// A stream event of a type this client does not know: it still advances seq, nothing else.
export interface UnknownEvent {
    seq: number;
    type: 'unknown';
    wire_type: string;
}

export type StreamEvent =
    | SnapshotEvent
    | StatusEvent
    | NoticeEvent
    | PresenceEvent
    | ModerationEvent
    | OnAirEvent
    | RevokedEvent
    | MediaEvent
    | BroadcastEvent
    | UnknownEvent;

export type ServerMessage = WelcomeMessage | AckMessage | ErrorMessage | StreamEvent;

export class ProtocolError extends Error {
    override readonly name = 'ProtocolError';
}

// ---- Validation helpers ----

type Obj = Record<string, unknown>;

function fail(path: string, what: string): never {
    throw new ProtocolError(`"${path}" ${what}`);
}
function isObj(v: unknown): v is Obj {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function obj(o: Obj, key: string, path = key): Obj {
    const v = o[key];
    if (!isObj(v)) fail(path, 'must be an object');
    return v;
}
function str(o: Obj, key: string): string {
    const v = o[key];
    if (typeof v !== 'string') fail(key, 'must be a string');
    return v;
}
function strOrNull(o: Obj, key: string): string | null {
    const v = o[key];
    if (v === null) return null;
    if (typeof v !== 'string') fail(key, 'must be a string or null');
    return v;
}
function num(o: Obj, key: string): number {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(key, 'must be a number');
    return v;
}
function numOrNull(o: Obj, key: string): number | null {
    const v = o[key];
    if (v === null) return null;
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(key, 'must be a number or null');
    return v;
}
function bool(o: Obj, key: string): boolean {
    const v = o[key];
    if (typeof v !== 'boolean') fail(key, 'must be a boolean');
    return v;
}
function seqOf(o: Obj): number {
    const v = num(o, 'seq');
    if (!Number.isInteger(v) || v < 0) fail('seq', 'must be a whole number');
    return v;
}
function arr<T>(o: Obj, key: string, each: (item: Obj) => T): T[] {
    const v = o[key];
    if (!Array.isArray(v)) fail(key, 'must be an array');
    return v.map((item: unknown) => {
        if (!isObj(item)) fail(key, 'must hold objects');
        return each(item);
    });
}

function strArr(o: Obj, key: string): string[] {
    const v = o[key];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) fail(key, 'must be an array of strings');
    return v as string[];
}

function parseFeedView(o: Obj): FeedView {
    return {
        feed: str(o, 'feed'),
        participant_id: str(o, 'participant_id'),
        name: str(o, 'name'),
        role: str(o, 'role'),
        room: str(o, 'room'),
        source: str(o, 'source'),
        audio_muted: bool(o, 'audio_muted'),
        video_muted: bool(o, 'video_muted'),
    };
}

function parseIceServer(o: Obj): IceServer {
    const urls = o['urls'];
    if (typeof urls !== 'string' && !(Array.isArray(urls) && urls.every((u) => typeof u === 'string'))) {
        fail('urls', 'must be a string or an array of strings');
    }
    const out: IceServer = { urls: urls as string | string[] };
    if (typeof o['username'] === 'string') out.username = o['username'];
    if (typeof o['credential'] === 'string') out.credential = o['credential'];
    return out;
}

export function parseAttendeeView(o: Obj): AttendeeView {
    return {
        id: str(o, 'id'),
        name: str(o, 'name'),
        state: str(o, 'state'),
        moderator_id: strOrNull(o, 'moderator_id'),
        moderator_name: strOrNull(o, 'moderator_name'),
        question: strOrNull(o, 'question'),
        raised_at: numOrNull(o, 'raised_at'),
        edited_at: numOrNull(o, 'edited_at'),
        invite_expires_at: numOrNull(o, 'invite_expires_at'),
        updated_at: num(o, 'updated_at'),
    };
}

function parseOnlineView(o: Obj): OnlineView {
    return { id: str(o, 'id'), name: str(o, 'name'), role: str(o, 'role'), on_air: bool(o, 'on_air') };
}

function parseTarget(o: Obj): BroadcastTarget {
    return { id: str(o, 'id'), name: str(o, 'name'), state: str(o, 'state'), error: str(o, 'error') };
}

const STAFF_MEMBERS = ['reason', 'layout', 'applied_layout', 'viewers', 'recording', 'targets', 'on_program'] as const;

// The broadcast view, as the `broadcast` event and GET /api/v1/admin/events/{id}/broadcast carry
// it (`type` is not read). The staff members come all together or not at all.
export function parseBroadcastState(o: Obj): BroadcastState {
    const base: BroadcastBase = { state: str(o, 'state'), since: num(o, 'since'), hls_url: str(o, 'hls_url') };
    if (!STAFF_MEMBERS.some((m) => o[m] !== undefined)) return base;
    const viewers = num(o, 'viewers');
    if (!Number.isInteger(viewers) || viewers < 0) fail('viewers', 'must be a whole number');
    return {
        state: base.state,
        reason: str(o, 'reason'),
        since: base.since,
        layout: str(o, 'layout'),
        applied_layout: str(o, 'applied_layout'),
        hls_url: base.hls_url,
        viewers,
        recording: bool(o, 'recording'),
        targets: arr(o, 'targets', parseTarget),
        on_program: strArr(o, 'on_program'),
    };
}

// The same view from a REST answer (the admin API's broadcast routes); throws ProtocolError.
export function parseBroadcastView(value: unknown): BroadcastState {
    if (!isObj(value)) throw new ProtocolError('not a JSON object');
    return parseBroadcastState(value);
}

function parseObject(o: Obj): ServerMessage {
    const type = str(o, 'type');
    switch (type) {
        case 'welcome': {
            const p = obj(o, 'participant');
            const e = obj(o, 'event');
            return {
                type,
                participant: { id: str(p, 'id'), name: str(p, 'name'), role: str(p, 'role') },
                event: {
                    id: str(e, 'id'),
                    name: str(e, 'name'),
                    is_public: bool(e, 'is_public'),
                    starts_at: numOrNull(e, 'starts_at'),
                },
                seq: seqOf(o),
            };
        }
        case 'ack': {
            const ack: AckMessage = { type, id: str(o, 'id') };
            for (const m of ['sdp', 'feed', 'sub'] as const) {
                if (o[m] !== undefined) ack[m] = str(o, m);
            }
            return ack;
        }
        case 'error':
            return { type, id: strOrNull(o, 'id'), code: str(o, 'code'), message: str(o, 'message') };
        case 'snapshot': {
            const me = o['me'] === null ? null : parseAttendeeView(obj(o, 'me'));
            return {
                seq: seqOf(o),
                type,
                me,
                attendees: arr(o, 'attendees', parseAttendeeView),
                online: arr(o, 'online', parseOnlineView),
            };
        }
        case 'status':
            return { seq: seqOf(o), type, attendee: parseAttendeeView(obj(o, 'attendee')) };
        case 'notice':
            return {
                seq: seqOf(o),
                type,
                kind: str(o, 'kind'),
                subject_id: str(o, 'subject_id'),
                text: str(o, 'text'),
            };
        case 'presence':
            return {
                seq: seqOf(o),
                type,
                participant_id: str(o, 'participant_id'),
                name: str(o, 'name'),
                role: str(o, 'role'),
                online: bool(o, 'online'),
                on_air: bool(o, 'on_air'),
            };
        case 'moderation':
            return {
                seq: seqOf(o),
                type,
                participant_id: str(o, 'participant_id'),
                kind: str(o, 'kind'),
                by: str(o, 'by'),
                by_name: str(o, 'by_name'),
            };
        case 'on_air':
            return { seq: seqOf(o), type, moderator_id: str(o, 'moderator_id'), on_air: bool(o, 'on_air') };
        case 'revoked':
            return { seq: seqOf(o), type, reason: str(o, 'reason') };
        case 'media':
            return {
                type,
                epoch: num(o, 'epoch'),
                publish: strArr(o, 'publish'),
                screen: bool(o, 'screen'),
                feeds: arr(o, 'feeds', parseFeedView),
                ice_servers: arr(o, 'ice_servers', parseIceServer),
            };
        case 'broadcast':
            return { type, ...parseBroadcastState(o) };
        default:
            // Forward compatibility: an unknown type is ignored, but only a stream event (with a
            // seq) is worth keeping for its position.
            return { seq: seqOf(o), type: 'unknown', wire_type: type };
    }
}

// Parses one text frame from the server; throws ProtocolError on anything malformed.
export function parseServerMessage(text: string): ServerMessage {
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch {
        throw new ProtocolError('not valid JSON');
    }
    if (!isObj(value)) {
        throw new ProtocolError('not a JSON object');
    }
    return parseObject(value);
}

export function isStreamEvent(msg: ServerMessage): msg is StreamEvent {
    return msg.type !== 'welcome' && msg.type !== 'ack' && msg.type !== 'error';
}
