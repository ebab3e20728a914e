// Sign-in state for an app page: calls login() and keeps the session or the typed error.
// Staff pages (keep = true) also keep the session in this tab's sessionStorage until it expires,
// so a reload does not send a moderator back to typing their access key. Attendees sign in by
// their link alone, so they always sign in afresh: a kept token of a kicked attendee would only
// meet token_revoked, where a fresh sign-in is told "kicked".
import { useCallback, useState } from 'react';
import { login, LoginError, type LoginSuccess } from './api';

export interface SignIn {
    session: LoginSuccess | null;
    error: LoginError | null;
    busy: boolean;
    signIn: (accessKey?: string) => Promise<void>;
    signOut: () => void;
}

// Storage the hook can use; null where the browser refuses it (privacy modes) or in tests.
function tabStorage(): Storage | null {
    try {
        return typeof sessionStorage === 'undefined' ? null : sessionStorage;
    } catch {
        return null;
    }
}

function storageKey(eventId: string, participantId: string): string {
    return `onstage.session.${eventId}.${participantId}`;
}

// A kept session for this link, if there is one that has not expired.
export function restoreSession(
    storage: Storage | null,
    eventId: string,
    participantId: string,
    now: number = Date.now(),
): LoginSuccess | null {
    const text = storage?.getItem(storageKey(eventId, participantId));
    if (!text) return null;
    try {
        const s = JSON.parse(text) as LoginSuccess;
        const fits =
            typeof s.token === 'string' &&
            typeof s.expires_at === 'number' &&
            s.expires_at > now &&
            s.event?.id === eventId &&
            s.participant?.id === participantId;
        return fits ? s : null;
    } catch {
        return null;
    }
}

export function useSignIn(eventId: string, participantId: string, keep = false): SignIn {
    const storage = keep ? tabStorage() : null;
    const [session, setSession] = useState<LoginSuccess | null>(() => restoreSession(storage, eventId, participantId));
    const [error, setError] = useState<LoginError | null>(null);
    const [busy, setBusy] = useState(false);

    const signIn = useCallback(
        async (accessKey?: string) => {
            setBusy(true);
            setError(null);
            try {
                const s = await login(eventId, participantId, accessKey);
                storage?.setItem(storageKey(eventId, participantId), JSON.stringify(s));
                setSession(s);
            } catch (err) {
                setError(err instanceof LoginError ? err : new LoginError('unknown', String(err), 0));
            } finally {
                setBusy(false);
            }
        },
        [eventId, participantId, storage],
    );
    const signOut = useCallback(() => {
        storage?.removeItem(storageKey(eventId, participantId));
        setSession(null);
    }, [eventId, participantId, storage]);
    return { session, error, busy, signIn, signOut };
}
