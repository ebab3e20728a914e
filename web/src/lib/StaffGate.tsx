// Sign-in with an access key for staff apps (moderator, talent), then the realtime session.
// The app passes its strings and renders the signed-in page.
import { useMemo, type ReactNode } from 'react';
import { linkParams, type LoginSuccess } from './api';
import { useSignIn } from './session';
import { AccessKeyForm, EventEndedCard, type LoginFormStrings } from './ui';
import type { CommandBody } from './protocol';
import type { LiveSession } from './useLive';

export interface StaffGateStrings {
    title: string;
    badLink: string;
    login: LoginFormStrings;
    retryIn: (s: number) => string;
    eventEnded: { title: string; body: string };
}

export function StaffGate(props: {
    strings: StaffGateStrings;
    wide?: boolean;
    children: (login: LoginSuccess, session: LiveSession, signOut: () => void) => ReactNode;
}) {
    const { eventId, participantId } = useMemo(() => linkParams(), []);
    const auth = useSignIn(eventId, participantId, true); // kept across reloads
    const token = auth.session?.token;
    const session = useMemo<LiveSession | null>(() => (token ? { eventId, token } : null), [eventId, token]);
    const s = props.strings;

    if (eventId === '' || participantId === '') {
        return <main className="app"><p className="card">{s.badLink}</p></main>;
    }
    if (auth.error?.code === 'event_ended') {
        // The sign-in was refused with 410: the event is over, a key would not help.
        return (
            <main className="app">
                <header className="top"><h1>{s.title}</h1></header>
                <EventEndedCard title={s.eventEnded.title} body={s.eventEnded.body} />
            </main>
        );
    }
    if (!auth.session || !session) {
        const err = auth.error
            ? auth.error.message + (auth.error.retryAfterSeconds !== null ? s.retryIn(auth.error.retryAfterSeconds) : '')
            : null;
        return (
            <main className="app">
                <header className="top"><h1>{s.title}</h1></header>
                <AccessKeyForm strings={s.login} busy={auth.busy} error={err} onSubmit={(key) => void auth.signIn(key)} />
            </main>
        );
    }
    return <main className={props.wide ? 'app wide' : 'app'}>{props.children(auth.session, session, auth.signOut)}</main>;
}

// The staff page once the live session is over for good (removed, revoked, signed out in
// another tab): why, and a way back to the sign-in form.
export function SessionEnded(props: { message: string; signInAgain: string; signOut: () => void }) {
    return (
        <div className="card">
            <p>{props.message}</p>
            <button onClick={props.signOut}>{props.signInAgain}</button>
        </div>
    );
}

// Ends the session on the server (a moderator's hands go back to the shared list, every tab of
// theirs closes), then forgets it here and shows the sign-in form.
export function SignOutButton(props: { label: string; send: (cmd: CommandBody) => Promise<unknown>; signOut: () => void }) {
    return (
        <button className="small secondary" onClick={() => void props.send({ type: 'sign_out' }).finally(props.signOut)}>
            {props.label}
        </button>
    );
}
