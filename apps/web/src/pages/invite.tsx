import { useState } from 'preact/hooks';
import { api, messageOf, ok } from '../api';
import { go } from '../router';
import { Field, usePage } from '../ui';

/**
 * The invitation link (#/invite/<token>): the person chooses a password and is signed in. The
 * token is posted in the body, never put in a request URL (ADR 21).
 */
export function InvitePage({ token, onDone }: { token: string; onDone: () => Promise<void> }) {
  usePage('invite', 'Đặt mật khẩu', true);
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function submit(event: Event): Promise<void> {
    event.preventDefault();
    if (password !== again) {
      setError('Hai mật khẩu không giống nhau (the two passwords differ).');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await ok(api.POST('/v1/invites/accept', { body: { token, password } }));
      // the token must not stay in the address bar or the history
      history.replaceState(null, '', '#/');
      await onDone();
      // the hash is already "#/", so setting it would fire no hashchange and the router would stay
      // on the invitation: go() with replace announces the change itself
      go('/', {}, true);
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" class="sign-in">
      <form method="post" action="#" onSubmit={(event) => void submit(event)}>
        <h1>
          Đặt mật khẩu <small lang="en">(set your password)</small>
        </h1>
        <p>Chọn mật khẩu từ 10 ký tự trở lên (at least 10 characters).</p>
        <Field id="new-password" vi="Mật khẩu mới" en="new password">
          <input
            id="new-password"
            type="password"
            autocomplete="new-password"
            minLength={10}
            maxLength={200}
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </Field>
        <Field id="new-password-again" vi="Nhập lại mật khẩu" en="repeat it">
          <input
            id="new-password-again"
            type="password"
            autocomplete="new-password"
            required
            value={again}
            onInput={(e) => setAgain(e.currentTarget.value)}
          />
        </Field>
        {error ? (
          <p class="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" class="button button-primary" disabled={busy || !token}>
          Lưu mật khẩu và đăng nhập <small lang="en">(save and sign in)</small>
        </button>
      </form>
    </main>
  );
}
