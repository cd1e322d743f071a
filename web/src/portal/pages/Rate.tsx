// Rate a service transaction (好差评) by the code on its receipt. No sign-in; the rater's name and
// phone (for a real-name rating, revisited by the unit) travel only in the POST body.
import { Alert, Button, Card, Checkbox, Form, Input, Radio, Result, Switch, Typography } from 'antd';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, formErrors, friendlyError, ApiError } from '../../shared/api.ts';
import { translate, useT, type MessageKey } from '../../shared/i18n/index.tsx';

const LEVELS: { value: number; key: MessageKey }[] = [
  { value: 5, key: 'rating.level5' },
  { value: 4, key: 'rating.level4' },
  { value: 3, key: 'rating.level3' },
  { value: 2, key: 'rating.level2' },
  { value: 1, key: 'rating.level1' },
];
const TAGS: MessageKey[] = ['rating.tag.attitude', 'rating.tag.efficient', 'rating.tag.oneVisit', 'rating.tag.manyTrips', 'rating.tag.slow', 'rating.tag.unclear'];

interface Values {
  transactionCode: string;
  level: number;
  comment?: string;
  tags?: string[];
  realNameOn?: boolean;
  realName?: { name: string; phone: string };
}

/** Friendly texts for the refusals the rating endpoint gives field by field. */
function known(path: string, message: string): MessageKey | undefined {
  if (path === '/body/transactionCode') {
    if (/rated already/.test(message)) return 'rating.error.rated';
    if (/no service transaction/.test(message)) return 'rating.error.unknownCode';
    return 'rating.error.code';
  }
  if (path.startsWith('/body/realName/phone')) return 'rating.error.phone';
  return undefined;
}

export default function Rate() {
  const t = useT();
  const [form] = Form.useForm<Values>();
  const [summary, setSummary] = useState<string | null>(null);
  const realNameOn = Form.useWatch('realNameOn', form);
  const submit = useMutation({
    mutationFn: (v: Values) =>
      api.post<{ ratingId: number }>('/api/public/ratings', {
        transactionCode: v.transactionCode.trim(),
        level: v.level,
        ...(v.comment ? { comment: v.comment } : {}),
        // Tags are stored in Chinese whatever the page's language, so units see one vocabulary.
        ...(v.tags?.length ? { tags: v.tags.map((k) => translate('zh-CN', k)) } : {}),
        ...(v.realNameOn && v.realName ? { realName: v.realName } : {}),
      }),
    onMutate: () => setSummary(null),
    onError: (e) => {
      const fields = formErrors(t, e, known);
      form.setFields(fields);
      setSummary(fields.length && e instanceof ApiError && e.status === 400 ? t('error.checkFields') : friendlyError(t, e));
    },
  });

  if (submit.isSuccess) {
    const bad = (submit.variables?.level ?? 5) <= 2;
    return (
      <Result
        status="success"
        data-testid="rating-done"
        title={t('rating.thanks')}
        subTitle={bad ? t('rating.badNotice') : t('rating.goodNotice')}
        extra={[
          <Button key="again" type="primary" onClick={() => { submit.reset(); form.resetFields(); }}>{t('rating.another')}</Button>,
          <Link key="home" to="/"><Button>{t('common.backHome')}</Button></Link>,
        ]}
      />
    );
  }

  return (
    <Card title={<Typography.Title level={4} style={{ margin: 0 }}>{t('rating.title')}</Typography.Title>}>
      <Typography.Paragraph type="secondary">{t('rating.intro')}</Typography.Paragraph>
      {summary && <Alert role="alert" type="error" showIcon message={summary} style={{ marginBottom: 16 }} data-testid="form-error" />}
      <Form name="rate" form={form} layout="vertical" onFinish={(v) => submit.mutate(v)} initialValues={{ realNameOn: false }} requiredMark>
        <Form.Item name="transactionCode" label={t('rating.code')} rules={[{ required: true, whitespace: true, message: t('rating.error.codeRequired') }]} extra={t('rating.codeHelp')}>
          <Input autoComplete="off" inputMode="text" maxLength={64} />
        </Form.Item>
        <Form.Item name="level" label={t('rating.level')} rules={[{ required: true, message: t('rating.error.levelRequired') }]}>
          <Radio.Group aria-label={t('rating.level')} style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
            {LEVELS.map((l) => (
              <Radio key={l.value} value={l.value} data-testid={`level-${l.value}`}>{t(l.key)}</Radio>
            ))}
          </Radio.Group>
        </Form.Item>
        <Form.Item name="tags" label={t('rating.tags')}>
          <Checkbox.Group options={TAGS.map((k) => ({ value: k, label: t(k) }))} />
        </Form.Item>
        <Form.Item name="comment" label={t('rating.comment')}>
          <Input.TextArea rows={3} maxLength={500} showCount />
        </Form.Item>
        <Form.Item name="realNameOn" label={t('rating.realName')} valuePropName="checked" extra={t('rating.realNameHelp')}>
          <Switch aria-label={t('rating.realName')} />
        </Form.Item>
        {realNameOn && (
          <>
            <Form.Item name={['realName', 'name']} label={t('rating.name')} rules={[{ required: true, message: t('rating.error.nameRequired') }]}>
              <Input autoComplete="name" maxLength={50} />
            </Form.Item>
            <Form.Item name={['realName', 'phone']} label={t('rating.phone')} rules={[{ required: true, message: t('rating.error.phoneRequired') }]}>
              <Input autoComplete="tel" inputMode="tel" maxLength={20} />
            </Form.Item>
          </>
        )}
        <Button type="primary" htmlType="submit" block size="large" loading={submit.isPending} data-testid="rating-submit">
          {t('rating.submit')}
        </Button>
      </Form>
    </Card>
  );
}
