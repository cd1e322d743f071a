// Entering a case that came by letter, telephone or visit (来信/来电/来访登记): what was reported, the
// channel, optionally the category, the unit concerned (else the enterer's own unit) and the reporter's
// name and phone (encrypted by the server). The answer carries a receipt code for the reporter, shown
// once here, to be passed on by letter or phone; then the new case opens.
import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Modal, Radio, Select, Switch, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, ApiError, formErrors, friendlyError } from '../../shared/api.ts';
import { groupCode } from '../../shared/codes.ts';
import { useI18n } from '../../shared/i18n/index.tsx';
import { CASE_CATEGORIES } from '../cases.ts';
import { label } from '../labels.ts';
import { UnitPicker } from '../UnitPicker.tsx';

const CHANNELS = ['letter', 'hotline', 'visit'] as const;

interface Values {
  channel: (typeof CHANNELS)[number];
  text: string;
  category?: string;
  subjectUnitCode?: string;
  realName: boolean;
  reporterName?: string;
  reporterPhone?: string;
}

export function CaseEntry({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();
  const realName = Form.useWatch('realName', form);
  const navigate = useNavigate();
  const [created, setCreated] = useState<{ id: number; receiptCode: string } | null>(null);
  const enter = useMutation({
    mutationFn: (v: Values) => {
      const body = Object.fromEntries(Object.entries({ ...v, text: v.text.trim() }).filter(([k, x]) => x !== undefined && x !== '' && (v.realName || !k.startsWith('reporter'))));
      return api.post<{ id: number; receiptCode: string }>('/api/cases', body);
    },
    onSuccess: (c) => setCreated({ id: c.id, receiptCode: c.receiptCode }),
    onError: (e) => form.setFields(formErrors(t, e)),
  });
  const close = () => {
    form.resetFields();
    enter.reset();
    setCreated(null);
    onClose();
  };
  // The form stays mounted (forceRender) so its instance is always connected; the receipt has its own dialog.
  return (
    <>
      <Modal open={open && created !== null} title={t('cases.entry.doneTitle')} onCancel={close} footer={<Button type="primary" onClick={() => { const id = created!.id; close(); void navigate(`/cases/${id}`); }} data-testid="case-entry-open">{t('cases.entry.open')}</Button>}>
        <Typography.Paragraph>{t('cases.entry.receiptHelp')}</Typography.Paragraph>
        {created && <Typography.Title level={4} copyable={{ text: created.receiptCode }} data-testid="case-entry-receipt">{groupCode(created.receiptCode)}</Typography.Title>}
      </Modal>
      <Modal open={open && created === null} forceRender title={t('cases.entry.title')} onCancel={close} okText={t('cases.entry.submit')} onOk={() => form.submit()} confirmLoading={enter.isPending} okButtonProps={{ 'data-testid': 'case-entry-submit' } as Record<string, string>}>
        {enter.isError && !(enter.error instanceof ApiError && enter.error.status === 400) && <Alert type="error" showIcon role="alert" message={friendlyError(t, enter.error)} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" name="case-entry" initialValues={{ channel: 'letter', realName: false }} onFinish={(v) => enter.mutate(v)}>
          <Form.Item name="channel" label={t('cases.field.channel')}>
            <Radio.Group options={CHANNELS.map((c) => ({ value: c, label: label(t, 'cases.channel', c) }))} />
          </Form.Item>
          <Form.Item name="text" label={t('cases.queue.text')} rules={[{ required: true, whitespace: true, message: t('cases.error.textRequired') }]}>
            <Input.TextArea rows={4} maxLength={4000} showCount />
          </Form.Item>
          <Form.Item name="category" label={t('cases.field.category')} extra={t('cases.entry.categoryHelp')}>
            <Select allowClear aria-label={t('cases.field.category')} options={CASE_CATEGORIES.map((c) => ({ value: c, label: label(t, 'cases.category', c) }))} />
          </Form.Item>
          <Form.Item name="subjectUnitCode" label={t('cases.field.unit')} extra={t('cases.entry.unitHelp')}>
            <UnitPicker aria-label={t('cases.field.unit')} />
          </Form.Item>
          <Form.Item name="realName" label={t('cases.entry.realName')} valuePropName="checked">
            <Switch />
          </Form.Item>
          {realName && (
            <>
              <Form.Item name="reporterName" label={t('cases.report.name')} rules={[{ required: true, whitespace: true, message: t('cases.error.nameRequired') }]}>
                <Input maxLength={50} />
              </Form.Item>
              <Form.Item name="reporterPhone" label={t('cases.report.phone')} rules={[{ required: true, whitespace: true, message: t('cases.error.phoneRequired') }]}>
                <Input inputMode="tel" maxLength={20} />
              </Form.Item>
          </>
        )}
      </Form>
    </Modal>
    </>
  );
}
