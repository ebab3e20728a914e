// The pure parts of the staff's broadcast panel (moderator app, console): which buttons are
// enabled in which state, the set_layout command, and who is on the program.
import type { CommandBody, LayoutChoice } from '../protocol';

export interface BroadcastButtons {
    start: boolean;
    stop: boolean;
}

// Start while idle or failed (the server answers broadcast_busy otherwise); stop while it
// starts, runs or has failed (broadcast_not_live while idle; nothing to do while stopping).
// Nothing while a request is on its way or the state is not known yet.
export function broadcastButtons(state: string | null, busy: boolean): BroadcastButtons {
    if (busy || state === null) return { start: false, stop: false };
    return {
        start: state === 'idle' || state === 'failed',
        stop: state === 'starting' || state === 'live' || state === 'failed',
    };
}

// set_layout: `focus` goes only with the focus layout, and only when a person is chosen
// (without it the compositor focuses the first screen, else the first talent).
export function layoutCommand(layout: LayoutChoice, focus: string): CommandBody {
    if (layout === 'focus' && focus !== '') return { type: 'set_layout', layout, focus };
    return { type: 'set_layout', layout };
}

// The people on the program in its order, named from what the app knows.
export function programPeople(ids: readonly string[], names: (id: string) => string | undefined, unnamed: string): Array<{ id: string; name: string }> {
    return ids.map((id) => ({ id, name: names(id) ?? unnamed }));
}
