// The talent app: sign in with the key, be on stage on video (own camera, microphone and screen
// share), see the others on stage and who is live.
import { useState } from 'react';
import type { LoginSuccess } from '../lib/api';
import { DeviceCheck } from '../lib/media/DeviceCheck';
import { FeedGrid, MediaControls, MediaTrouble, SelfView } from '../lib/media/MediaViews';
import { useMedia, type MediaHandle } from '../lib/media/useMedia';
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
    const media = useMedia(live, view.media);
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
                {flags.muted && <p className="notice">{S.muted}</p>}
                {flags.videoOff && <p className="notice">{S.videoOff}</p>}
            </section>
            <StageVideo media={media} />
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

// The stage on video: the device check the first time, then the others on stage, the own view
// and the switches (microphone, camera, screen share). Nothing while the plan lists nothing.
function StageVideo(props: { media: MediaHandle }) {
    const { media } = props;
    const [problem, setProblem] = useState<string | null>(null);
    const plan = media.snapshot.plan;
    if (!plan || (plan.publish.length === 0 && plan.feeds.length === 0)) return null;
    if (media.showDeviceCheck) {
        return (
            <DeviceCheck strings={S.media} initial={media.devices} onContinue={media.chooseDevices}
                onCancel={media.snapshot.needsDevices ? undefined : media.cancelDeviceCheck} />
        );
    }
    return (
        <section className="card">
            <h2>{S.stage}</h2>
            <MediaTrouble media={media} strings={S.media} />
            {problem && <p className="error" role="alert">{problem}</p>}
            <FeedGrid feeds={media.snapshot.feeds} strings={S.media} large />
            <SelfView media={media} strings={S.media} />
            <MediaControls media={media} strings={S.media} onError={setProblem} />
        </section>
    );
}
