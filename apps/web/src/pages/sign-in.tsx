import { useState } from 'preact/hooks';
import { api, ApiError, messageOf, ok } from '../api';
import { Field, usePage } from '../ui';

/** Email and password; the answer's cookie is the session (httpOnly: this script never sees it). */
export function SignInPage({ message, onSignedIn }: { message?: string; onSignedIn: () => Promise<void> }) {
  usePage('sign-in', 'Đăng nhập', true);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(message);

  async function submit(event: Event): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await ok(api.POST('/v1/sessions', { body: { email, password } }));
      setPassword('');
      await onSignedIn();
    } catch (failure) {
      setError(
        failure instanceof ApiError && failure.status === 401
          ? 'Email hoặc mật khẩu không đúng (wrong email or password).'
          : failure instanceof ApiError && failure.status === 429
            ? 'Đã thử sai quá nhiều lần. Hãy đợi 15 phút rồi thử lại (too many attempts: wait 15 minutes).'
            : messageOf(failure),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" class="sign-in">
      <form
        method="post"
        action="#"
        onSubmit={(event) => void submit(event)}
        aria-describedby="sign-in-error"
      >
        <h1>
          OCOP Thái Nguyên <small lang="en">sign in</small>
        </h1>
        <Field id="email" vi="Email" en="email">
          <input
            id="email"
            type="email"
            autocomplete="username"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </Field>
        <Field id="password" vi="Mật khẩu" en="password">
          <input
            id="password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </Field>
        {error ? (
          <p class="form-error" id="sign-in-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" class="button button-primary" disabled={busy}>
          Đăng nhập <small lang="en">(sign in)</small>
        </button>
        <p class="hint">
          Chưa có tài khoản? Hãy nhờ quản trị viên gửi lời mời (ask an admin for an invitation).
        </p>
      </form>
    </main>
  );
}
