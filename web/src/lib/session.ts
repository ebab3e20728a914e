// Sign-in state for an app page: calls login() and keeps the session or the typed error.
import { useCallback, useState } from 'react';
import { login, LoginError, type LoginSuccess } from './api';

export interface SignIn {
    session: LoginSuccess | null;
    error: LoginError | null;
    busy: boolean;
    signIn: (accessKey?: string) => Promise<void>;
    signOut: () => void;
}

export function useSignIn(eventId: string, participantId: string): SignIn {
    const [session, setSession] = useState<LoginSuccess | null>(null);
    const [error, setError] = useState<LoginError | null>(null);
    const [busy, setBusy] = useState(false);

    const signIn = useCallback(
        async (accessKey?: string) => {
            setBusy(true);
            setError(null);
            try {
                setSession(await login(eventId, participantId, accessKey));
            } catch (err) {
                setError(err instanceof LoginError ? err : new LoginError('unknown', String(err), 0));
            } finally {
                setBusy(false);
            }
        },
        [eventId, participantId],
    );
    const signOut = useCallback(() => setSession(null), []);
    return { session, error, busy, signIn, signOut };
}
