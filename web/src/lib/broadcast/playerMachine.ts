// The broadcast player's decisions, free of the DOM and of hls.js so they can be tested: what
// to show (soon / playing / reconnecting / ended) and what to do (load the source, recover the
// decoder, retry later, let go of the source) for each thing that happens. Player.tsx carries
// the actions out.

export type PlayerPhase = 'soon' | 'playing' | 'reconnecting' | 'ended';

export interface PlayerModel {
    phase: PlayerPhase;
    // The broadcast state the server last sent; null when the page cannot know it (the public
    // watch page), in which case the playlist itself tells: missing → soon, ENDLIST → ended.
    server: string | null;
    loaded: boolean; // a source is attached
    started: boolean; // the attached source has played frames
    watched: boolean; // frames played, or the server said live, at some point on this page
    failures: number; // consecutive failed attempts, for the backoff
    mediaRecoveries: number; // recoverMediaError calls since frames last played
}

export type PlayerInput =
    | { kind: 'server'; state: string | null } // a broadcast state from the server
    | { kind: 'playlist'; live: boolean } // the playlist loaded; live = no ENDLIST
    | { kind: 'playlist_missing' } // the playlist is not there (yet): 404 or 403
    | { kind: 'playing' } // frames are playing
    | { kind: 'stalled' } // no progress for a while (the player decides how long)
    | { kind: 'end_reached' } // played to the ENDLIST
    | { kind: 'error'; type: 'network' | 'media' | 'other' } // a fatal playback error
    | { kind: 'retry_due' }; // the retry timer went off

export type PlayerAction =
    | { kind: 'load' } // (re)attach the source from scratch and play
    | { kind: 'unload' } // let go of the source, cancel any retry
    | { kind: 'recover_media' } // hls.recoverMediaError()
    | { kind: 'retry_in'; ms: number }; // send retry_due after ms

export const INITIAL_PLAYER: PlayerModel = {
    phase: 'soon',
    server: null,
    loaded: false,
    started: false,
    watched: false,
    failures: 0,
    mediaRecoveries: 0,
};

// 1, 2, 4, 8, 10, 10 … s
export function backoffMs(failures: number): number {
    return Math.min(10_000, 1000 * 2 ** Math.min(Math.max(failures, 0), 4));
}
// How long the page waits before looking again after an ended broadcast when it cannot know
// the server's state (a new broadcast may start later).
export const ENDED_POLL_MS = 10_000;
// recoverMediaError attempts before the source is reloaded.
export const MAX_MEDIA_RECOVERIES = 2;

export interface Step {
    model: PlayerModel;
    actions: PlayerAction[];
}

// Whether the source should be attached in this server state.
function wantsSource(server: string | null): boolean {
    return server === null || server === 'live';
}

function load(m: PlayerModel): Step {
    return { model: { ...m, loaded: true, started: false }, actions: [{ kind: 'load' }] };
}

function unload(m: PlayerModel, phase: PlayerPhase): PlayerModel {
    return { ...m, phase, loaded: false, started: false };
}

// Look again later; what to show meanwhile depends on whether anything played yet.
function retryLater(m: PlayerModel, phase: PlayerPhase, maxMs = Infinity): Step {
    return {
        model: { ...unload(m, phase), failures: m.failures + 1 },
        actions: [{ kind: 'unload' }, { kind: 'retry_in', ms: Math.min(maxMs, backoffMs(m.failures)) }],
    };
}

// A missing playlist is looked for again soon: every second while the server says live (the
// first segment is due any moment), at most every MISSING_POLL_MS when the state is unknown.
export const MISSING_POLL_MS = 4000;

function onServer(m: PlayerModel, state: string | null): Step {
    const known = state === null || ['idle', 'starting', 'live', 'stopping', 'failed'].includes(state);
    if (!known) return { model: m, actions: [] }; // a newer server's state: keep doing what we do
    const next: PlayerModel = { ...m, server: state, watched: m.watched || state === 'live' };
    switch (state) {
        case null:
        case 'live': {
            if (next.loaded) return { model: next, actions: [] };
            const phase = next.phase === 'reconnecting' ? 'reconnecting' : 'soon';
            return load({ ...next, phase, failures: 0, mediaRecoveries: 0 });
        }
        case 'starting':
            // A new broadcast: an old playlist (with ENDLIST) may still be there, so wait for live.
            // A source already playing stays (a restart after a crash keeps the same playlist).
            if (next.loaded) return { model: next, actions: [] };
            return { model: { ...next, phase: 'soon' }, actions: [] };
        case 'stopping':
            // The last segments are still coming: play them out to the ENDLIST.
            if (next.loaded) return { model: next, actions: [] };
            return { model: { ...next, phase: m.watched ? 'ended' : 'soon' }, actions: [] };
        case 'idle':
            return {
                model: { ...unload(next, m.watched ? 'ended' : 'soon'), failures: 0 },
                actions: [{ kind: 'unload' }],
            };
        default: // failed: an interruption if people were watching, else not started yet
            return {
                model: { ...unload(next, m.watched ? 'reconnecting' : 'soon'), failures: 0 },
                actions: [{ kind: 'unload' }],
            };
    }
}

export function step(m: PlayerModel, input: PlayerInput): Step {
    switch (input.kind) {
        case 'server':
            return onServer(m, input.state);
        case 'playlist':
            if (input.live || m.started || !m.loaded) return { model: m, actions: [] };
            // A finished playlist before anything played: an old broadcast's. With the server
            // saying live, the new one is not written yet; without a server, it is over.
            if (m.server === null) {
                return {
                    model: unload(m, 'ended'),
                    actions: [{ kind: 'unload' }, { kind: 'retry_in', ms: ENDED_POLL_MS }],
                };
            }
            return retryLater(m, m.phase === 'reconnecting' ? 'reconnecting' : 'soon');
        case 'playlist_missing':
            if (!m.loaded) return { model: m, actions: [] };
            return retryLater(
                m,
                m.started || m.phase === 'reconnecting' ? 'reconnecting' : m.phase === 'ended' ? 'ended' : 'soon',
                m.server === 'live' ? 1000 : MISSING_POLL_MS,
            );
        case 'playing':
            if (!m.loaded) return { model: m, actions: [] };
            if (m.phase === 'playing' && m.started && m.failures === 0 && m.mediaRecoveries === 0) return { model: m, actions: [] };
            return { model: { ...m, phase: 'playing', started: true, watched: true, failures: 0, mediaRecoveries: 0 }, actions: [] };
        case 'stalled':
            if (!m.loaded || m.phase !== 'playing') return { model: m, actions: [] };
            return { model: { ...m, phase: 'reconnecting' }, actions: [] };
        case 'end_reached':
            if (!m.loaded) return { model: m, actions: [] };
            if (m.server === 'live') return retryLater(m, 'reconnecting'); // the server says it goes on
            return {
                model: unload(m, 'ended'),
                actions: m.server === null ? [{ kind: 'unload' }, { kind: 'retry_in', ms: ENDED_POLL_MS }] : [{ kind: 'unload' }],
            };
        case 'error': {
            if (!m.loaded) return { model: m, actions: [] };
            const phase: PlayerPhase = m.started || m.phase === 'reconnecting' ? 'reconnecting' : m.phase === 'ended' ? 'ended' : 'soon';
            if (input.type === 'media' && m.mediaRecoveries < MAX_MEDIA_RECOVERIES) {
                return { model: { ...m, phase, mediaRecoveries: m.mediaRecoveries + 1 }, actions: [{ kind: 'recover_media' }] };
            }
            return retryLater({ ...m, mediaRecoveries: 0 }, phase);
        }
        case 'retry_due':
            if (m.loaded || !wantsSource(m.server)) return { model: m, actions: [] };
            return load(m);
    }
}
