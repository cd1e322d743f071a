// Sign-in: username and password in a POST body; a refusal is one friendly sentence, never which part was wrong.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useLocation, useNavigate } from 'react-router';
import { api, ApiError, friendlyError } from '../../shared/api.ts';
import { useT } from '../../shared/i18n/index.tsx';
import { LangSwitch } from '../../shared/LangSwitch.tsx';

export default function Login() {
  const t = useT();
  const navigate = useNavigate();
  const location = useLocation();
  const qc = useQueryClient();
  const login = useMutation({
    mutationFn: (v: { username: string; password: string }) => api.post('/api/auth/login', v),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['me'] });
      const from = (location.state as { from?: string } | null)?.from;
      navigate(from && from !== '/login' ? from : '/', { replace: true });
    },
  });
  const message = login.error
    ? login.error instanceof ApiError && (login.error.status === 401 || login.error.status === 400) ? t('login.failed') : friendlyError(t, login.error)
    : null;
  return (
    <main style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: '#f5f5f5', padding: 16 }}>
      <Card style={{ width: 360, maxWidth: '100%' }} title={t('login.title')} extra={<LangSwitch />}>
        <Typography.Paragraph type="secondary">{t('console.brand')}</Typography.Paragraph>
        {message && <Alert role="alert" type="error" showIcon message={message} style={{ marginBottom: 12 }} data-testid="login-error" />}
        <Form name="login" layout="vertical" onFinish={(v) => login.mutate(v)}>
          <Form.Item name="username" label={t('login.username')} rules={[{ required: true, message: t('login.usernameRequired') }]}>
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('login.passwordRequired') }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={login.isPending} data-testid="login-submit">{t('login.submit')}</Button>
        </Form>
      </Card>
    </main>
  );
}
