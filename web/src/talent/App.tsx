// The talent app: sign in with the key, see that you are on stage and who is live.
import type { LoginSuccess } from '../lib/api';
import { EMPTY_STAGE, mediaFlags, reduceStage } from '../lib/stage';
import { SessionEnded, SignOutButton, StaffGate } from '../lib/StaffGate';
import { isEventEnded } from '../lib/live';
import { ConnectionBanner, EventEndedCard } from '../lib/ui';
import { useLive, type LiveSession } from '../lib/useLive';
import { S } from './strings';

export function TalentApp() {
    return (
        <StaffGate strings={S}>
            {(login, session, signOut) => <OnStage login={login} session={session} signOut={signOut} />}
        </StaffGate>
    );
}

function OnStage(props: { login: LoginSuccess; session: LiveSession; signOut: () => void }) {
    const live = useLive(props.session, reduceStage, EMPTY_STAGE);
    const { view } = live;
    if (view.revoked === 'event_ended' || isEventEnded(live.closed)) {
        return <EventEndedCard title={S.eventEnded.title} body={S.eventEnded.body} />;
    }
    if (live.state === 'closed' && live.closed) {
        return <SessionEnded message={live.closed.message || S.sessionEnded} signInAgain={S.signInAgain} signOut={props.signOut} />;
    }
    const flags = mediaFlags(view.moderation, props.login.participant.id);
    const guests = view.attendees.filter((a) => a.state === 'live');
    return (
        <>
            <header className="top">
                <h1>{live.welcome?.event.name ?? props.login.event.name}</h1>
                <span className="who">{S.youAre(props.login.participant.name)}</span>
                <SignOutButton label={S.signOut} send={live.send} signOut={props.signOut} />
            </header>
            <ConnectionBanner state={live.state} connecting={S.connecting} reconnecting={S.reconnecting} />
            <section className="card">
                <p className="status">{S.onStage}</p>
                <p className="muted">{S.videoNextRelease}</p>
                {flags.muted && <p className="notice">{S.muted}</p>}
                {flags.videoOff && <p className="notice">{S.videoOff}</p>}
            </section>
            <section className="card">
                <h2>{S.whoIsLive}</h2>
                {guests.length === 0 ? <p className="muted">{S.nobodyLive}</p> : (
                    <ul className="plain">
                        {guests.map((a) => (
                            <li key={a.id}>
                                <strong>{a.name || S.unnamed}</strong>
                                {a.question && <p className="question">{a.question}</p>}
                            </li>
                        ))}
                    </ul>
                )}
            </section>
            <section className="card">
                <h2>{S.staff}</h2>
                <ul className="plain">
                    {view.online.map((o) => (
                        <li key={o.id}>
                            {o.name} <span className="muted">{S.roles[o.role] ?? o.role}</span>{' '}
                            {o.on_air && <span className="tag on">{S.onAir}</span>}
                        </li>
                    ))}
                </ul>
            </section>
        </>
    );
}
